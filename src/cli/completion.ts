import { COMPLETION_WORDS } from './args.js';

/** A completion script for bash or zsh (commands, options, files after --inventory/--ssh-config). */
export function completionScript(shell: 'bash' | 'zsh'): string {
  const commands = COMPLETION_WORDS.commands.join(' ');
  const options = COMPLETION_WORDS.options.join(' ');
  if (shell === 'bash') {
    return `# remlite bash completion: source <(remlite completion bash)
_remlite() {
  local cur prev
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    --inventory|-i|--ssh-config) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    completion) COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${options}" -- "$cur") ); return; fi
  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=( $(compgen -W "${commands}" -- "$cur") ); fi
}
complete -F _remlite remlite
`;
  }
  return `#compdef remlite
# remlite zsh completion: source <(remlite completion zsh)
_remlite() {
  local -a commands options
  commands=(${commands})
  options=(${options})
  case "$words[CURRENT-1]" in
    --inventory|-i|--ssh-config) _files; return ;;
    completion) compadd bash zsh; return ;;
  esac
  if [[ "$words[CURRENT]" == -* ]]; then compadd -- $options; return; fi
  if (( CURRENT == 2 )); then compadd -- $commands; fi
}
compdef _remlite remlite
`;
}
