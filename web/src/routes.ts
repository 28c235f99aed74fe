// The dashboard's URLs, one place (src/api/web.ts serves the app at each of these paths)
export const paths = {
  overview: () => '/',
  ft: (id: string) => `/ft/${encodeURIComponent(id)}`,
  lt: (id: string) => `/lt/${encodeURIComponent(id)}`,
  order: (id: string) => `/orders/${encodeURIComponent(id)}`,
  orders: (query = '') => `/orders${query ? `?${query}` : ''}`,
  create: (ftWalletId?: string) => (ftWalletId ? `/new?ft=${encodeURIComponent(ftWalletId)}` : '/new'),
  audit: () => '/audit',
};
