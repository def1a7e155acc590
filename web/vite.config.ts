// Vite: `npm run dev` serves the UI with hot reload and forwards /api to a running portal
// (CANDELA_PORTAL, default http://127.0.0.1:9000); `npm run build` writes dist/ for
// `candela portal --web-root web/dist`.
import { defineConfig } from 'vite';

const portal = process.env.CANDELA_PORTAL ?? 'http://127.0.0.1:9000';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: { '/api': { target: portal, changeOrigin: false } },
  },
});
