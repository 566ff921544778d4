/** The mtc version, written into generated files. Keep in step with package.json (a test checks). */
export const VERSION = '0.1.0';
