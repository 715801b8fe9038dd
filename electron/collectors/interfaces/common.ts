// What every OS's interface parser starts a row from (the live collectors and the capture parsers alike).
import type { InterfaceCounters, NetInterface } from '../../../shared/types.js';

export function zeroCounters(): InterfaceCounters {
  return {
    rxBytes: 0,
    rxPackets: 0,
    rxErrors: 0,
    rxDropped: 0,
    rxFifo: 0,
    rxFrame: 0,
    rxCompressed: 0,
    rxMulticast: 0,
    txBytes: 0,
    txPackets: 0,
    txErrors: 0,
    txDropped: 0,
    txFifo: 0,
    txCollisions: 0,
    txCarrier: 0,
    txCompressed: 0,
  };
}

/** A row that knows only its name: every link fact unknown (null), counters zero until a source fills them. */
export function emptyInterface(name: string, counters: InterfaceCounters = zeroCounters()): NetInterface {
  return {
    id: name,
    name,
    index: null,
    operState: 'unknown',
    carrier: null,
    mtu: null,
    mac: null,
    speedMbps: null,
    duplex: null,
    type: null,
    flags: [],
    addresses: [],
    counters,
  };
}
