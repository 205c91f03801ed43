// The other half of the deliberate circle in first.ts.
import { FIRST } from "./first";

export const SECOND = "second";
export const BACK = () => FIRST;
