-- Sorting, grouping, indexes and window functions on 8,000 generated rows. The rows come
-- from a linear congruential generator written in SQL, so that they are the same everywhere.
CREATE TABLE sales(id INTEGER PRIMARY KEY, region TEXT, product TEXT, day INTEGER,
                   quantity INTEGER, price REAL);
WITH RECURSIVE lcg(i, x) AS (
  VALUES(1, 12345) UNION ALL SELECT i + 1, (x * 1103515245 + 12345) % 2147483648 FROM lcg WHERE i < 8000)
INSERT INTO sales
SELECT i, 'region-' || (x % 7), 'product-' || ((x / 7) % 53), (x / 371) % 365,
       1 + (x / 135415) % 20, round(((x / 2708300) % 10000) / 100.0 + 0.99, 2)
  FROM lcg;
CREATE INDEX sales_by_product ON sales(product, day);
SELECT region, count(*) AS sales, sum(quantity) AS items, printf('%.2f', sum(quantity * price)) AS revenue
  FROM sales GROUP BY region ORDER BY region;
SELECT product, printf('%.3f', avg(price)) AS average_price, min(day), max(day)
  FROM sales WHERE product BETWEEN 'product-10' AND 'product-19' GROUP BY product ORDER BY product;
SELECT day, printf('%.2f', revenue) AS revenue, rank() OVER (ORDER BY revenue DESC) AS rank,
       printf('%.2f', sum(revenue) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)) AS week
  FROM (SELECT day, sum(quantity * price) AS revenue FROM sales GROUP BY day)
 ORDER BY revenue DESC LIMIT 10;
SELECT region, product, total FROM (
  SELECT region, product, sum(quantity) AS total,
         row_number() OVER (PARTITION BY region ORDER BY sum(quantity) DESC, product) AS place
    FROM sales GROUP BY region, product)
 WHERE place <= 2 ORDER BY region, place;
SELECT count(DISTINCT product || region), count(DISTINCT day), sum(id % 97 = 0) FROM sales;
-- A sort of every row by a computed key, checked by a running hash of the order.
SELECT count(*), sum(position * (id % 1000)) % 1000000007 FROM (
  SELECT id, row_number() OVER (ORDER BY price * quantity DESC, product, id) AS position FROM sales);
SELECT a.region, b.region, count(*) FROM sales AS a JOIN sales AS b
    ON a.product = b.product AND a.day = b.day AND a.id < b.id
 GROUP BY a.region, b.region ORDER BY 3 DESC, 1, 2 LIMIT 5;
