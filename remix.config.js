/** @type {import('@remix-run/dev').AppConfig} */
export default {
  appDirectory: 'app',
  assetsBuildDirectory: 'public/build',
  publicPath: '/build/',
  serverBuildPath: '.build/index.js',
  serverModuleFormat: 'esm',
  serverPlatform: 'node',
  // Everything the server imports is bundled except real npm packages; keeps db/ and app/ in one build.
  serverDependenciesToBundle: [],
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}', '**/*.server.test.ts'],
  routes: undefined,
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
