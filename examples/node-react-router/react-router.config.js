/** @type {import('@react-router/dev/config').Config} */
export default {
  // Config options...
  // Server-side render by default, to enable SPA mode set this to `false`
  ssr: true,
};
