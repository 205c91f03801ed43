// ESLint for the three kinds of code here: the TypeScript of the API, the scripts and the tests, checked with type
// information; the portal's plain browser modules; and the few CommonJS files Node runs as they are.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated or built: contract bindings, compiler output, coverage, the transpiled instance.
    ignores: ["typechain-types/", "artifacts/", "cache/", "coverage/", "dist*/", "data/", "ignition/deployments/", "docs/"],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  {
    rules: {
      // `x == null` is the idiom for "null or undefined".
      eqeqeq: ["error", "always", { null: "ignore" }],
      // The letters lay Chinese text out with ideographic spaces (U+3000) inside template strings.
      "no-irregular-whitespace": ["error", { skipTemplates: true }],
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      "no-unused-vars": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // `async` without `await` is how a synchronous function meets a Promise-returning port (and its throws reject).
      "@typescript-eslint/require-await": "off",
      // Dependency bags declare their functions in method syntax but hold closures, never methods that need `this`.
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // Tests read supertest's `res.body` and JSON.parse results, typed `any`, field by field; the assertions check them.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // The portal: ES modules the browser loads as they are.
    files: ["api/web/**/*.js"],
    languageOptions: { sourceType: "module", globals: globals.browser },
  },
  {
    // The CLI launcher and the build scripts: CommonJS run by Node.
    files: ["bin/**/*.js", "scripts/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
);
