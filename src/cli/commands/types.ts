/** Types every command shares; this file imports nothing, so no command imports another. */

/** Called by a command's action with the process exit code it wants. */
export type SetExit = (code: number) => void;
