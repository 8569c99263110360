-- Text, JSON and formatting: printf, string functions, LIKE and GLOB, JSON building and
-- querying, numbers printed as SQLite prints them, math functions.
.mode list
SELECT printf('%5d|%-8s|%08.3f|%e|%x|%q|%Q|%c', 42, 'left', 3.14159, 123456.789, 255, 'it''s', NULL, 'xyz');
SELECT upper('straße'), lower('ÀÉÎ'), length('naïve'), hex('é'), unicode('€'), char(9731, 97);
SELECT replace('the cat sat on the mat', 'at', 'og'), substr('compression', -5, 3), trim('  x  '),
       instr('haystack', 'st'), quote(x'00ff'), 'abc' LIKE 'A_C', 'abc' GLOB 'A*';
SELECT 1.0 / 3, 2.0 / 3, 1e300 * 10, -0.0, 9007199254740993, 0.1 + 0.2, 100.0, 1e-7, 12345678901234567890;
SELECT round(sqrt(2), 9), round(exp(1), 9), round(ln(10), 9), round(pi(), 9), pow(2, 10),
       round(sin(1), 9), round(atan2(1, 2), 9), ceil(-2.5), floor(-2.5), mod(17, 5);
WITH RECURSIVE n(i) AS (VALUES(1) UNION ALL SELECT i + 1 FROM n WHERE i < 12)
SELECT json_group_array(json_object('n', i, 'square', i * i, 'odd', json(CASE i % 2 WHEN 1 THEN 'true' ELSE 'false' END))) FROM n;
SELECT json_extract('{"a": {"b": [10, 20, {"c": "deep"}]}}', '$.a.b[2].c', '$.a.b[1]'),
       json_array_length('[1, [2, 3], 4]'), json_type('{"x": 1.5}', '$.x'),
       json_set('{"k": 1}', '$.k', 2, '$.new', json('[true]')), json_valid('{bad');
SELECT key, value, type FROM json_each('{"name": "tycho", "tiers": 2, "list": [1, 2], "none": null}');
WITH RECURSIVE words(i, word) AS (
  VALUES(0, 'seed') UNION ALL
  SELECT i + 1, substr('abcdefghijklmnopqrstuvwxyz', 1 + (i * 7) % 26, 1 + i % 5) || substr(word, 1, 3)
    FROM words WHERE i < 2000)
SELECT count(*), count(DISTINCT word), max(length(word)), group_concat(word, ',') FILTER (WHERE i % 250 = 0)
  FROM words;
SELECT group_concat(name, ' < ') FROM (
  SELECT column1 AS name FROM (VALUES ('zeta'), ('Alpha'), ('beta'), ('alpha'), ('Éclair'), ('10'), ('9'))
   ORDER BY name COLLATE NOCASE, name);
.mode box
SELECT 'box' AS mode, 1.5 AS number, NULL AS missing, 'two
lines' AS text;
.mode json
SELECT 1 AS one, 'quote"d' AS text, 2.5 AS real, x'0102' AS blob;
.mode csv
.headers on
SELECT 'a,b' AS comma, 'say "hi"' AS quoted, 3 AS plain;
