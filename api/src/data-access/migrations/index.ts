import { InitialSchema1764547200000 } from "./1764547200000-InitialSchema";

/** Every migration, oldest first. Listed explicitly so they load the same under ts-node and compiled JS. */
export const MIGRATIONS = [InitialSchema1764547200000];
