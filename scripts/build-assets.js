// Bundles the dashboard's and the welcome page's browser scripts (src/dashboard/browser/) with
// esbuild into dist/dashboard/browser/, so the server serves them with no bundler at run time
// and the package ships them. Part of `npm run build`; writes only under dist/.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/dashboard/browser/dashboard.js', 'src/dashboard/browser/welcome.js'],
  outdir: 'dist/dashboard/browser',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
