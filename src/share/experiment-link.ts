import { EXPERIMENT_VERSION, parseExperiment, type ExperimentSpec } from '../experiment/spec';
import { fromBase64Url, toBase64Url } from './base64url';
import { canonicalJson } from './canonical-json';
import { deflateRaw, inflateRaw, InflateLimitError } from './deflate';

/*
 * An experiment link: `#x=<format>.<base64url of raw-DEFLATE of the spec's canonical JSON>`.
 *
 * It sits in the fragment, so it never reaches a server (nothing to log, no URL-length limit of a server). The
 * format number names how the payload is packed; the spec inside carries its own `version` (src/experiment/
 * spec.ts), so a link outlives changes to either: a newer packing bumps LINK_FORMAT, a newer spec bumps
 * EXPERIMENT_VERSION, and a Kiln that meets a number above its own says the link is from a newer Kiln instead
 * of guessing.
 */

/** The packing this Kiln writes, and the newest it reads. */
export const LINK_FORMAT = 1;
/** The fragment parameter that holds the link. */
export const LINK_PARAM = 'x';
/**
 * The longest payload Kiln writes or reads. Chromium takes URLs of 2 MB, but mail and chat clients cut far
 * shorter ones; 100 000 characters is room for a 2 000-layer graph while refusing anything absurd up front.
 */
export const MAX_LINK_CHARS = 100_000;
/** The most JSON a payload may inflate to (the largest spec the schema admits is well under this). */
export const MAX_SPEC_BYTES = 4_000_000;
/** Schema problems beyond this many are counted, not listed: one broken array can produce thousands. */
const MAX_LISTED_PROBLEMS = 20;

export type LinkResult = { ok: true; spec: ExperimentSpec } | { ok: false; problems: string[] };
export type EncodeResult = { ok: true; fragment: string } | { ok: false; problems: string[] };

/** The link's fragment (`#x=1.…`) for a spec; an invalid spec is refused with the schema's problems. */
export async function encodeExperiment(spec: ExperimentSpec): Promise<EncodeResult> {
  const parsed = parseExperiment(spec);
  if (!parsed.ok) return { ok: false, problems: listed(parsed.problems) };
  const json = new TextEncoder().encode(canonicalJson(parsed.spec));
  const payload = `${LINK_FORMAT}.${toBase64Url(await deflateRaw(json))}`;
  if (payload.length > MAX_LINK_CHARS)
    return {
      ok: false,
      problems: [
        `The link would be ${count(payload.length)} characters long; Kiln makes links of at most ${count(MAX_LINK_CHARS)}.`,
      ],
    };
  return { ok: true, fragment: `#${LINK_PARAM}=${payload}` };
}

/** The payload of a location's fragment when it is an experiment link (`#x=…`), or null when it is not one. */
export function linkPayload(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(LINK_PARAM);
}

/** Reads a link's payload (what follows `#x=`) back into a validated spec, or lists every reason it cannot. */
export async function decodeExperiment(payload: string): Promise<LinkResult> {
  const refuse = (...problems: string[]): LinkResult => ({ ok: false, problems });
  if (payload.length > MAX_LINK_CHARS)
    return refuse(
      `The link is ${count(payload.length)} characters long; Kiln opens links of at most ${count(MAX_LINK_CHARS)}.`,
    );
  const dot = payload.indexOf('.');
  const format = dot < 0 ? '' : payload.slice(0, dot);
  if (!/^\d{1,6}$/.test(format))
    return refuse(
      `The link has no format number (it should start “#${LINK_PARAM}=${LINK_FORMAT}.”): it was not made by Kiln’s Share, or it was cut.`,
    );
  if (Number(format) > LINK_FORMAT)
    return refuse(newerKiln(`link format ${format}`, `format ${LINK_FORMAT}`));
  if (Number(format) !== LINK_FORMAT)
    return refuse(`Unknown link format ${format}: this Kiln reads format ${LINK_FORMAT}.`);

  const data = payload.slice(dot + 1);
  if (data === '') return refuse('The link holds no experiment: nothing follows the format number.');
  const decoded = fromBase64Url(data);
  if (!decoded.ok)
    return refuse(`The link is not valid base64url: ${decoded.reason}. Was it cut or changed on the way?`);

  let bytes: Uint8Array;
  try {
    bytes = await inflateRaw(decoded.bytes, MAX_SPEC_BYTES);
  } catch (e) {
    if (e instanceof InflateLimitError) return refuse(`The link’s experiment is too large: ${e.message}.`);
    return refuse(
      `The link’s data is not compressed experiment data (raw DEFLATE): ${message(e)}. Was it cut on the way?`,
    );
  }

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return refuse(`The link’s data is not an experiment in JSON: ${message(e)}.`);
  }

  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > EXPERIMENT_VERSION)
    return refuse(newerKiln(`experiment version ${version}`, `version ${EXPERIMENT_VERSION}`));
  const parsed = parseExperiment(json);
  return parsed.ok ? parsed : refuse(...listed(parsed.problems));
}

function newerKiln(made: string, reads: string): string {
  return `This link was made by a newer Kiln (${made}; this Kiln reads ${reads} and older). Reload the page to get the newest Kiln, then open the link again.`;
}

function listed(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  const more = problems.length - MAX_LISTED_PROBLEMS;
  return [...problems.slice(0, MAX_LISTED_PROBLEMS), `…and ${more} more problem${more === 1 ? '' : 's'}.`];
}

const count = (n: number) => n.toLocaleString('en-US');
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
