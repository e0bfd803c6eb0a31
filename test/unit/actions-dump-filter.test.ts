// The awk filter db.restore runs on the host, run here by every awk this machine has (mawk, gawk,
// busybox) over a dump in MariaDB 10.11's exact format: only the named tables' sections come out,
// with no DROP statement, and a table the dump lacks stops it with exit 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DUMP_FILTER_AWK, dumpFilterCommand } from '../../src/actions/catalogue/dump-filter.js';

const DUMP = `/*M!999999\\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.18-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version	10.11.18-MariaDB-0+deb12u1

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
USE \`other\`;

--
-- Table structure for table \`customers\`
--

DROP TABLE IF EXISTS \`customers\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE \`customers\` (
  \`id\` int(11) NOT NULL,
  \`name\` varchar(40) DEFAULT NULL,
  PRIMARY KEY (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;

--
-- Dumping data for table \`customers\`
--

LOCK TABLES \`customers\` WRITE;
INSERT INTO \`customers\` VALUES
(1,'a\\n-- Table structure for table \`orders\`\\nDROP TABLE x;');
UNLOCK TABLES;

--
-- Table structure for table \`orders\`
--

DROP TABLE IF EXISTS \`orders\`;
CREATE TABLE \`orders\` (
  \`id\` int(11) NOT NULL,
  \`customer_id\` int(11) DEFAULT NULL,
  CONSTRAINT \`orders_ibfk_1\` FOREIGN KEY (\`customer_id\`) REFERENCES \`customers\` (\`id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

--
-- Dumping data for table \`orders\`
--

LOCK TABLES \`orders\` WRITE;
INSERT INTO \`orders\` VALUES
(5,1);
UNLOCK TABLES;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=\`root\`@\`localhost\`*/ /*!50003 TRIGGER shop.tr BEFORE INSERT ON shop.orders FOR EACH ROW SET NEW.id = NEW.id + 0 
*/;;
DELIMITER ;

--
-- Temporary table structure for view \`v\`
--

DROP TABLE IF EXISTS \`v\`;
/*!50001 DROP VIEW IF EXISTS \`v\`*/;
/*!50001 CREATE VIEW \`v\` AS SELECT
 NULL AS \`id\` */;

--
-- Final view structure for view \`v\`
--

/*!50001 DROP VIEW IF EXISTS \`v\`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50001 VIEW \`v\` AS select \`customers\`.\`id\` AS \`id\` from \`customers\` */;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;

-- Dump completed on 2026-12-02  5:11:15
`;

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const AWKS: string[][] = [['awk'], ['mawk'], ['gawk'], ['busybox', 'awk']].filter(([cmd]) => which(cmd!) !== undefined);

function filter(awk: string[], tables: string): { out: string; err: string; status: number | null } {
  const r = spawnSync(awk[0]!, [...awk.slice(1), '-v', `tables=${tables}`, DUMP_FILTER_AWK], { input: DUMP, encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

const HEADER = [
  '/*M!999999\\- enable the sandbox mode */ ',
  '/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;',
  "/*!40103 SET TIME_ZONE='+00:00' */;",
  '/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;',
];
const TRAILER = ['/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;', '', '/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;', '', '-- Dump completed on 2026-12-02  5:11:15', ''];

test('the filter keeps the header SETs, the named table (structure, rows, trigger) and the trailer, and no DROP', (t) => {
  if (AWKS.length === 0) return t.skip('no awk on this machine');
  for (const awk of AWKS) {
    const r = filter(awk, 'orders');
    assert.equal(r.status, 0, `${awk.join(' ')}: ${r.err}`);
    const lines = r.out.split('\n');
    assert.deepEqual(lines.slice(0, 4), HEADER, awk.join(' '));
    assert.ok(!r.out.includes('USE `other`'), 'only the session SETs of the header are kept');
    assert.ok(r.out.includes('CREATE TABLE `orders` (') && r.out.includes('(5,1);') && r.out.includes('TRIGGER shop.tr'), r.out);
    assert.ok(!r.out.includes('customers` (\n') && !r.out.includes("(1,'a"), 'customers is not in the output');
    assert.ok(!r.out.includes('VIEW `v`'), 'the view is not in the output');
    assert.doesNotMatch(r.out, /^(\/\*!\d+ )?DROP /m);
    assert.deepEqual(lines.slice(-TRAILER.length), TRAILER, awk.join(' '));
  }
});

test('a row holding a section marker after an escaped line break does not switch sections; a view comes from its final definition', (t) => {
  if (AWKS.length === 0) return t.skip('no awk on this machine');
  for (const awk of AWKS) {
    const r = filter(awk, 'customers v');
    assert.equal(r.status, 0, `${awk.join(' ')}: ${r.err}`);
    assert.ok(r.out.includes("(1,'a\\n-- Table structure for table `orders`\\nDROP TABLE x;');"), r.out);
    assert.ok(!r.out.includes('CREATE TABLE `orders`'), r.out);
    assert.ok(r.out.includes('/*!50001 VIEW `v` AS select'), r.out);
    assert.ok(!r.out.includes('NULL AS `id`'), 'not the temporary view placeholder');
    assert.doesNotMatch(r.out, /^(\/\*!\d+ )?DROP /m);
  }
});

test('a table the dump does not have: exit 3 naming it (the output must not be loaded)', (t) => {
  if (AWKS.length === 0) return t.skip('no awk on this machine');
  for (const awk of AWKS) {
    const r = filter(awk, 'orders invoices');
    assert.equal(r.status, 3, awk.join(' '));
    assert.equal(r.err, 'remlite: precondition failed: the dump has no table invoices\n', awk.join(' '));
  }
});

test('the filter command quotes its program and refuses names that are not plain identifiers', () => {
  assert.ok(dumpFilterCommand(['orders', 'a$b']).startsWith("awk -v 'tables=orders a$b' 'BEGIN {"));
  assert.throws(() => dumpFilterCommand(['x y']), /not a table name/);
  assert.throws(() => dumpFilterCommand(["x'"]), /not a table name/);
});
