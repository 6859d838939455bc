// Vite's text imports (`import text from "./file?raw"`), for tests that check a config file against the code.
declare module "*?raw" {
  const text: string;
  export default text;
}
