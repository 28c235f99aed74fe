/** Plausible market titles, event slugs and tags by category, and trader names, for the simulated world */
import type { Prng } from '../../domain/prng.ts';

export type Category = 'sports' | 'politics' | 'crypto' | 'weather' | 'finance' | 'culture';
export const CATEGORIES: readonly Category[] = ['sports', 'politics', 'crypto', 'weather', 'finance', 'culture'];

export interface MarketTitle {
  category: Category;
  question: string;
  /** The event the market belongs to, e.g. "nba-lakers-vs-celtics-2026-03-01" */
  eventSlug: string;
  /** Gamma tag labels; category keywords of strategies match these, the question and the title */
  tags: string[];
}

const NBA = ['Lakers', 'Celtics', 'Warriors', 'Knicks', 'Nuggets', 'Heat', 'Bucks', 'Suns', 'Mavericks', 'Thunder'];
const NFL = ['Chiefs', 'Eagles', 'Bills', '49ers', 'Ravens', 'Lions', 'Cowboys', 'Packers'];
const SOCCER = ['Arsenal', 'Real Madrid', 'Barcelona', 'Bayern Munich', 'Liverpool', 'Inter', 'PSG', 'Man City'];
const PLAYERS = ['Sinner', 'Alcaraz', 'Djokovic', 'Zverev', 'Sabalenka', 'Swiatek', 'Gauff', 'Rybakina'];
const COINS = [['Bitcoin', 'BTC', 60_000, 120_000], ['Ethereum', 'ETH', 2_000, 5_000], ['Solana', 'SOL', 80, 300]] as const;
const CITIES = ['Shanghai', 'London', 'New York', 'Tokyo', 'Paris', 'Seoul', 'Chicago', 'Madrid'];
const COUNTRIES = ['Germany', 'Canada', 'Japan', 'Brazil', 'Australia', 'Poland', 'Chile', 'Portugal'];
const FILMS = ['Dune: Part Three', 'The Batman Part II', 'Avengers: Doomsday', 'Shrek 5', 'Toy Story 5'];
const ARTISTS = ['Taylor Swift', 'Bad Bunny', 'Billie Eilish', 'Kendrick Lamar', 'Sabrina Carpenter'];

const slug = (text: string): string =>
  text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 90);

const day = (d: Date): string => d.toISOString().slice(0, 10);
/** One formatter for every title (toLocaleDateString builds a new one per call: most of the world's start-up time) */
const MONTH_DAY = new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', timeZone: 'UTC' });
const monthDay = (d: Date): string => MONTH_DAY.format(d);

/** Two distinct entries */
function pair<T>(rng: Prng, items: readonly T[]): [T, T] {
  const a = rng.pick(items);
  let b = rng.pick(items);
  while (b === a) b = rng.pick(items);
  return [a, b];
}

type Maker = (rng: Prng, end: Date) => Omit<MarketTitle, 'category'>;

const MAKERS: Record<Category, Maker[]> = {
  sports: [
    (rng, end) => {
      const [a, b] = pair(rng, NBA);
      return { question: `NBA: Will the ${a} beat the ${b} on ${monthDay(end)}?`, eventSlug: slug(`nba ${a} ${b} ${day(end)}`),
        tags: ['Sports', 'NBA', 'Basketball'] };
    },
    (rng, end) => {
      const [a, b] = pair(rng, NFL);
      return { question: `NFL: ${a} vs. ${b} — will the ${a} win?`, eventSlug: slug(`nfl ${a} ${b} ${day(end)}`),
        tags: ['Sports', 'NFL', 'Football'] };
    },
    (rng, end) => {
      const [a, b] = pair(rng, SOCCER);
      return { question: `Will ${a} beat ${b} on ${monthDay(end)}?`, eventSlug: slug(`soccer ${a} ${b} ${day(end)}`),
        tags: ['Sports', 'Soccer'] };
    },
    (rng, end) => {
      const [a, b] = pair(rng, PLAYERS);
      return { question: `Tennis: Will ${a} defeat ${b}?`, eventSlug: slug(`tennis ${a} ${b} ${day(end)}`),
        tags: ['Sports', 'Tennis'] };
    },
  ],
  politics: [
    (rng, end) => {
      const c = rng.pick(COUNTRIES);
      return { question: `Will the ruling party win the most seats in the ${c} election?`,
        eventSlug: slug(`${c} election ${end.getUTCFullYear()}`), tags: ['Politics', 'Elections'] };
    },
    (rng, end) => {
      const n = rng.int(38, 48);
      return { question: `Will the president's approval rating be above ${n}% on ${monthDay(end)}?`,
        eventSlug: slug(`approval rating ${day(end)}`), tags: ['Politics'] };
    },
    (rng) => {
      const c = rng.pick(COUNTRIES);
      return { question: `Will ${c} pass its new climate bill this month?`, eventSlug: slug(`${c} climate bill`),
        tags: ['Politics', 'Policy'] };
    },
  ],
  crypto: [
    (rng, end) => {
      const [name, , low, high] = rng.pick(COINS);
      const strike = Math.round(rng.between(low, high) / 100) * 100;
      return { question: `Will ${name} be above $${strike.toLocaleString('en-US')} on ${monthDay(end)}?`,
        eventSlug: slug(`${name} above on ${day(end)}`), tags: ['Crypto', name] };
    },
    (rng, end) => {
      const [name, ticker] = rng.pick(COINS);
      return { question: `${name} (${ticker}) Up or Down on ${monthDay(end)}?`, eventSlug: slug(`${ticker} up or down ${day(end)}`),
        tags: ['Crypto', name] };
    },
  ],
  weather: [
    (rng, end) => {
      const city = rng.pick(CITIES);
      const t = rng.int(18, 34);
      return { question: `Will the highest temperature in ${city} be ${t}°C or higher on ${monthDay(end)}?`,
        eventSlug: slug(`highest temperature in ${city} on ${monthDay(end)}`), tags: ['Weather'] };
    },
    (rng, end) => {
      const city = rng.pick(CITIES);
      return { question: `Will it rain in ${city} on ${monthDay(end)}?`, eventSlug: slug(`rain in ${city} ${day(end)}`),
        tags: ['Weather'] };
    },
  ],
  finance: [
    (_rng, end) => ({ question: `Will the Fed cut interest rates at its next meeting?`,
      eventSlug: slug(`fed decision ${end.getUTCFullYear()}-${end.getUTCMonth() + 1}`), tags: ['Finance', 'Economy', 'Fed'] }),
    (rng, end) => {
      const n = rng.int(4800, 6800);
      return { question: `Will the S&P 500 close above ${n} on ${monthDay(end)}?`, eventSlug: slug(`spx above ${day(end)}`),
        tags: ['Finance', 'Stocks'] };
    },
  ],
  culture: [
    (rng) => {
      const film = rng.pick(FILMS);
      return { question: `Will "${film}" gross over $150M on its opening weekend?`, eventSlug: slug(`${film} opening weekend`),
        tags: ['Culture', 'Entertainment'] };
    },
    (rng) => {
      const artist = rng.pick(ARTISTS);
      return { question: `Will ${artist} release a new album this month?`, eventSlug: slug(`${artist} new album`),
        tags: ['Culture', 'Music'] };
    },
  ],
};

/** A market title in `category` for a market ending at `end` */
export function titleFor(rng: Prng, category: Category, end: Date): MarketTitle {
  return { category, ...rng.pick(MAKERS[category])(rng, end) };
}

/** The market's slug: its question's words, plus a short suffix so repeated questions stay distinct */
export const marketSlug = (question: string, suffix: string): string => `${slug(question)}-${suffix}`;

const ADJECTIVES = ['Quiet', 'Bold', 'Lucky', 'Swift', 'Patient', 'Clever', 'Wild', 'Steady', 'Sharp', 'Calm', 'Brave', 'Sly'];
const ANIMALS = ['Fox', 'Owl', 'Heron', 'Otter', 'Lynx', 'Badger', 'Falcon', 'Marten', 'Hare', 'Wolf', 'Raven', 'Stoat'];
const HANDLES = ['whale', 'degen', 'sharp', 'scout', 'quant', 'oracle', 'punter', 'gambit', 'tape', 'edge'];

/** A Data API display name and pseudonym, e.g. "sharp42" and "Quiet-Fox" */
export function traderNames(rng: Prng): { name: string; pseudonym: string } {
  return { name: `${rng.pick(HANDLES)}${rng.int(1, 999)}`, pseudonym: `${rng.pick(ADJECTIVES)}-${rng.pick(ANIMALS)}` };
}
