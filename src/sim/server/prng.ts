/** The simulator's PRNG stream, in a module of its own so that the fault settings (and the CLI's options) load no viem */
import { Prng as BasePrng } from '../../domain/prng.ts';

/** The simulator's PRNG stream: the shared generator with the simulator's own salt */
export class Prng extends BasePrng {
  constructor(seed: number) {
    super(seed, 0x9e3779b9);
  }
}
