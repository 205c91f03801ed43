import { InitialSchema1764547200000 } from "./1764547200000-InitialSchema";
import { Anchoring1764633600000 } from "./1764633600000-Anchoring";
import { Federation1764720000000 } from "./1764720000000-Federation";

/** Every migration, oldest first. Listed explicitly so they load the same under ts-node and compiled JS. */
export const MIGRATIONS = [InitialSchema1764547200000, Anchoring1764633600000, Federation1764720000000];
