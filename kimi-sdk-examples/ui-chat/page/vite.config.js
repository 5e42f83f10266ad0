import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The page is served by the Java server (PaymentsChat) from dist/; `npm run dev` serves it on
// Vite's own server with /api sent on to the Java server on port 8090.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': 'http://127.0.0.1:8090' } },
});
