/**
 * What the composition root builds Polymarket's venues and chains from, as one module that src/main-venues.ts imports
 * on first use: Polymarket's official clients, ethers and viem take seconds of CPU to load, which a start on the
 * simulated venue never needs
 */
export { createPolygonChain } from './chain.ts';
export { createPolymarketVenue } from './polymarket-venue.ts';
export { signerAddressOf } from './preflight-reads.ts';
export { createRelayerChain } from './relayer-chain.ts';
