-- Dashboard reads (issue 13, item 4): what the LT comparison summary needs, computed in SQL.
--
-- div_half_even(n, d): n / d rounded half to even, for integral n and a positive integral d, exactly (div and mod on
-- NUMERIC, never a rounded quotient): the same as src/domain/money.ts divRound(n, d, 'half_even') on micro-units.
-- above = n − floor(n / d)·d in [0, d); floor = (n − above) / d exactly. One expression (not STRICT, no FROM), so
-- the planner inlines it into the calling query instead of calling a function per row
CREATE FUNCTION div_half_even(n NUMERIC, d NUMERIC) RETURNS NUMERIC LANGUAGE sql IMMUTABLE AS $$
  SELECT div(n - mod(mod(n, d) + d, d), d) + CASE WHEN 2 * mod(mod(n, d) + d, d) > d THEN 1
    WHEN 2 * mod(mod(n, d) + d, d) < d THEN 0 WHEN mod(div(n - mod(mod(n, d) + d, d), d), 2) = 0 THEN 0 ELSE 1 END
$$;
