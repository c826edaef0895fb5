import { expect } from 'chai';
import { Writable } from 'node:stream';
import winston from 'winston';
import { WinstonSdkLogger } from '../../../worker/sdk-logger.js';

function capturingLogger() {
  const entries: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      entries.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, entries };
}

describe('WinstonSdkLogger', () => {
  it('maps SDK levels to winston levels and keeps metadata (bigint as text)', () => {
    const { logger, entries } = capturingLogger();
    const sdk = new WinstonSdkLogger(logger);
    sdk.trace('t');
    sdk.info('Worker state changed', { taskQueue: 'q', big: 5n });
    sdk.log('WARN', 'w');
    sdk.error('e');
    expect(entries.map((e) => [e['level'], e['message']])).to.deep.equal([
      ['debug', 't'],
      ['info', 'Worker state changed'],
      ['warn', 'w'],
      ['error', 'e'],
    ]);
    expect(entries[1]).to.include({ taskQueue: 'q', big: '5' });
  });

  it('can demote INFO to debug (bundler reports)', () => {
    const { logger, entries } = capturingLogger();
    const sdk = new WinstonSdkLogger(logger, { infoAsDebug: true });
    sdk.info('webpack report');
    sdk.warn('still a warning');
    expect(entries.map((e) => [e['level'], e['message']])).to.deep.equal([
      ['debug', 'webpack report'],
      ['warn', 'still a warning'],
    ]);
  });
});
