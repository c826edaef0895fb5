// The soak scenario's arithmetic: slopes per hour from timed readings, values read from the
// operator's Prometheus text, and the per-window p99s the verdict compares.
import { expect } from 'chai';
import { promValue, slopePerHour, windowP99s, type EventSample } from '../../../bench/scenarios/soak.js';

describe('soak figures', () => {
  it('fits the slope per hour of readings taken in ms', () => {
    // +1 MiB every 10 minutes = 6 MiB per hour.
    const points = [0, 1, 2, 3].map((i) => ({ t: i * 600_000, v: 100 + i }));
    expect(slopePerHour(points)).to.be.closeTo(6, 1e-9);
    expect(slopePerHour([{ t: 0, v: 5 }])).to.equal(0);
    expect(
      slopePerHour([
        { t: 7, v: 1 },
        { t: 7, v: 2 },
      ]),
    ).to.equal(0);
  });

  it('reads an unlabelled gauge from the Prometheus text and ignores look-alike names', () => {
    const text = [
      '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      'nodejs_heap_size_used_bytes 12582912',
      'nodejs_active_handles{type="Socket"} 3',
      'nodejs_active_handles_total 7',
    ].join('\n');
    expect(promValue(text, 'nodejs_heap_size_used_bytes')).to.equal(12582912);
    expect(promValue(text, 'nodejs_active_handles_total')).to.equal(7);
    expect(promValue(text, 'nodejs_active_handles')).to.equal(undefined);
  });

  it('takes the p99 of each window and leaves out windows with fewer than 10 events', () => {
    const events: EventSample[] = [];
    for (let i = 0; i < 100; i++) events.push({ t: i, ms: i + 1 }); // window 1: 1..100 ms
    for (let i = 0; i < 5; i++) events.push({ t: 100 + i, ms: 1000 }); // window 2: too few
    expect(windowP99s(events, 0, 200, 2)).to.deep.equal([99]);
  });
});
