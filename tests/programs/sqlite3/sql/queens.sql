-- Queens on boards of 4 to 7 squares a side, by recursive CTEs: a board is a string of
-- column numbers, one per row, extended while no queen attacks another (string functions,
-- correlated NOT EXISTS subqueries, deep recursion).
CREATE TABLE sizes(n INTEGER);
INSERT INTO sizes VALUES (4), (5), (6), (7);
SELECT n AS board, (
  WITH RECURSIVE
    columns(c) AS (VALUES(1) UNION ALL SELECT c + 1 FROM columns WHERE c < n),
    boards(queens, placed) AS (
      VALUES('', 0)
      UNION ALL
      SELECT queens || columns.c, placed + 1 FROM boards, columns
       WHERE placed < n
         AND NOT EXISTS (
           SELECT 1 FROM columns AS row
            WHERE row.c <= placed
              AND (CAST(substr(queens, row.c, 1) AS INTEGER) = columns.c
                   OR abs(CAST(substr(queens, row.c, 1) AS INTEGER) - columns.c) = placed + 1 - row.c)))
  SELECT count(*) || ' solutions, first ' || min(queens) || ', last ' || max(queens)
    FROM boards WHERE placed = n) AS solutions
FROM sizes;
-- A knight's tour count on small boards would take too long; instead, the number of ways to
-- climb 30 stairs taking 1, 2 or 3 at a time, and Collatz sequence lengths.
WITH RECURSIVE steps(n, a, b, c) AS (
  VALUES(0, 1, 0, 0) UNION ALL SELECT n + 1, a + b + c, a, b FROM steps WHERE n < 30)
SELECT max(a) AS ways_to_climb_30 FROM steps;
WITH RECURSIVE collatz(start, value, length) AS (
  SELECT value, value, 1 FROM generate_series(1, 1000)
  UNION ALL
  SELECT start, CASE WHEN value % 2 = 0 THEN value / 2 ELSE 3 * value + 1 END, length + 1
    FROM collatz WHERE value != 1)
SELECT start, max(length) AS longest FROM collatz GROUP BY start ORDER BY longest DESC, start LIMIT 5;
