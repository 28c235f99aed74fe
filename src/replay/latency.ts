/** The replay's modelled latency, in a module of its own: the CLI's help and options read it without loading the replay */

/**
 * The default detection + submit latency (ms): the live path's measured median from a source trader's fill to
 * Tandem's order at the venue, `latency_ms.trader_fill_to_submit.p50` of `tandem rehearse --minutes 2` (VENUE=polymarket
 * against the loopback simulator over the wire: RTDS, Data API, CLOB) on the 2-core development machine, 2026-12-03,
 * load average 15.8: p50 969 ms over 214 orders (p95 3814, p99 4904; legs' medians: fill → detected 37 ms, detected →
 * FT signal 73, signal → intent 549, intent → submit 208)
 */
export const DEFAULT_LATENCY_MS = 969;
