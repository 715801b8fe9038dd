// Vite bundles stylesheets imported for their side effect.
declare module '*.css';
// A file's text (tests read README.md so: commands.test.ts keeps its shortcut list equal to the keys').
declare module '*?raw' {
  const text: string;
  export default text;
}
