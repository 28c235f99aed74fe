-- Dashboard reads (issue 13, item 4): what the LT comparison summary needs, computed in SQL or kept with the writes.
--
-- div_half_even(n, d): n / d rounded half to even, for integral n and a positive integral d, exactly (div and mod on
-- NUMERIC, never a rounded quotient): the same as src/domain/money.ts divRound(n, d, 'half_even') on micro-units
CREATE FUNCTION div_half_even(n NUMERIC, d NUMERIC) RETURNS NUMERIC LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN r = 0 THEN q
    WHEN 2 * above > d THEN fl + 1 WHEN 2 * above < d THEN fl
    WHEN mod(fl, 2) = 0 THEN fl ELSE fl + 1 END
  FROM (SELECT q, r, CASE WHEN r < 0 THEN q - 1 ELSE q END AS fl, CASE WHEN r < 0 THEN r + d ELSE r END AS above
        FROM (SELECT div(n, d) AS q, mod(n, d) AS r) x) y
$$;
