// A deliberate import circle (first → second → first): the import-graph test checks that it finds one.
import { SECOND } from "./second";

export const FIRST = "first";
export const BOTH = () => [FIRST, SECOND];
