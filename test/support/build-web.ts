// vitest's global setup: the dashboard tests read dist/web, so it is built first when web/ changed
// @ts-expect-error a plain .mjs script without types
import { buildWebIfStale } from '../../scripts/build-web.mjs';

export default async function setup(): Promise<void> {
  await (buildWebIfStale as (o: { quiet: boolean }) => Promise<boolean>)({ quiet: true });
}
