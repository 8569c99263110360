-- The Mandelbrot set as text, by a recursive CTE that iterates z = z^2 + c for every point of
-- a grid at once: floating-point arithmetic, a large recursive working set, GROUP BY.
WITH RECURSIVE
  xaxis(x) AS (VALUES(-2.0) UNION ALL SELECT x + 0.04 FROM xaxis WHERE x < 0.6),
  yaxis(y) AS (VALUES(-1.1) UNION ALL SELECT y + 0.1 FROM yaxis WHERE y < 1.1),
  orbit(iteration, cx, cy, x, y) AS (
    SELECT 0, x, y, 0.0, 0.0 FROM xaxis, yaxis
    UNION ALL
    SELECT iteration + 1, cx, cy, x * x - y * y + cx, 2.0 * x * y + cy FROM orbit
     WHERE x * x + y * y < 4.0 AND iteration < 40),
  escaped(iterations, cx, cy) AS (SELECT max(iteration), cx, cy FROM orbit GROUP BY cx, cy),
  line(text) AS (
    SELECT group_concat(substr(' .:-=+*#%@', 1 + min(iterations / 4, 9), 1), '')
      FROM escaped GROUP BY cy ORDER BY cy)
SELECT rtrim(text) FROM line;
