/**
 * A Venue that exists before the real one does: it delegates to the venue once the gate has built it, and until then
 * every call fails with the reason the venue is not there, so nothing can be sent through it
 */
import type { Venue } from './venue-port.ts';
import { VenueSetupError } from './venue-port.ts';

export interface VenueSlot {
  /** The built venue, or null while it cannot be built */
  current(): Venue | null;
  /** Why there is no venue (for the error a call gets) */
  why(): string;
}

export function lazyVenue(name: string, signerAddress: string | null, slot: VenueSlot): Venue {
  const inner = (): Venue => {
    const v = slot.current();
    if (!v) throw new VenueSetupError('venue_error', `venue ${name} is not available: ${slot.why()}`);
    return v;
  };
  const venue: Venue = {
    name,
    signerAddress,
    // The built venue's, once there is one (fills are read only then)
    get fillCursorKey() {
      return slot.current()?.fillCursorKey;
    },
    marketInfo: async (t) => inner().marketInfo(t),
    orderBook: async (t) => inner().orderBook(t),
    prepare: async (r) => inner().prepare(r),
    submit: async (o) => inner().submit(o),
    cancel: async (id) => inner().cancel(id),
    orderStatus: async (id) => inner().orderStatus(id),
    openOrders: async () => inner().openOrders(),
    fillsSince: async (c) => inner().fillsSince(c),
    availableCollateral: async () => inner().availableCollateral(),
    tokenBalance: async (t) => inner().tokenBalance(t),
    collateralAllowances: async () => {
      const v = inner();
      return v.collateralAllowances ? v.collateralAllowances() : [];
    },
    close: async () => {
      await slot.current()?.close();
    },
  };
  return venue;
}
