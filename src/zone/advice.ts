// Advice in zone errors, worded for whoever has to act on it: a program calling the library
// (`{ zone: 'eth0' }`) or a person at a shell (`--zone eth0`). The zone floor knows the operation
// and the facts; the error carries both wordings (`Fe80Error.advice`), its message the library one.

/** What the caller was doing: it decides which ways of giving a zone exist. */
export type Operation = 'connect' | 'fetch' | 'send' | 'bind' | 'join' | 'lookup' | 'resolve';

/** How the target was written, so advice can show it with a zone filled in. */
export interface TargetForm {
  /** the target with `zone` in it, as the user would type it: `[fe80::1%eth0]:80`, `http://[fe80::1%25eth0]/` */
  withZone(zone: string): string;
}

export interface Advice {
  /** for programs: option names as in the API */
  readonly library: string;
  /** for the command line: flags and shell-quoted forms */
  readonly cli: string;
}

/** Single-quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * How to give a zone for `operation`, with `example` as the interface to show (the first
 * candidate), or undefined when no interface could be suggested (none is usable: advice then
 * says what to fix instead of naming an interface that does not work).
 */
export function zoneAdvice(operation: Operation, target: TargetForm, example: string | undefined, address: string): Advice {
  if (example === undefined) {
    return {
      library: 'Bring an interface up with an IPv6 link-local address (ip link set dev IFACE up), then name it as the zone',
      cli: 'Bring an interface up with an IPv6 link-local address (ip link set dev IFACE up), then name it as the zone',
    };
  }
  const written = target.withZone(example);
  const q = JSON.stringify(written);
  const s = shellQuote(written);
  switch (operation) {
    case 'connect':
    case 'fetch':
    case 'lookup': {
      const where = operation === 'fetch' ? 'the URL' : 'the address';
      return {
        library: `Pick one in ${where} (${q}), with { zone: '${example}' }, or race them with { zone: 'auto' }`,
        cli: `Pick one in ${where} (${s}), with --zone ${shellQuote(example)}, or race them with --zone auto`,
      };
    }
    case 'send':
      return {
        library: `Pick one in the address (${q}) or with { zone: '${example}' } (UDP does not race)`,
        cli: `Pick one in the address (${s}) or with --zone ${shellQuote(example)} (UDP does not race)`,
      };
    case 'bind':
      return {
        library: `Pick one in the address (${q}) or bind an interface's link-local address with { interface: '${example}', port }`,
        cli: `Pick one in the address (${s}) or listen on an interface's link-local address with --interface ${shellQuote(example)}`,
      };
    case 'join':
      return {
        library: `Name the interface: addMembership('${address}', '${example}')`,
        cli: `Name the interface: --interface ${shellQuote(example)}`,
      };
    case 'resolve':
      return {
        library: `Name the interface with { interfaces: ['${example}'] }`,
        cli: `Name the interface with --interface ${shellQuote(example)}`,
      };
  }
}

/** Advice for two different zones (one in the address, one in the option). */
export function conflictAdvice(): Advice {
  return {
    library: 'Give the zone once: in the address or in options.zone',
    cli: 'Give the zone once: in the address or with --zone',
  };
}

/** The default way to write a target with a zone: an address, or an endpoint when there is a port. */
export function addressForm(address: string, port: number | undefined): TargetForm {
  return { withZone: (zone) => (port === undefined ? `${address}%${zone}` : `[${address}%${zone}]:${port}`) };
}
