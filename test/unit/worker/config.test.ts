import { expect } from 'chai';
import { EnvValueError } from '../../../common/temporal/env-parsing.js';
import { workerConfigFromEnv } from '../../../worker/config.js';
import { DEFAULT_TASK_QUEUES } from '../../../worker/workflow-names.js';

describe('workerConfigFromEnv', () => {
  it('has defaults for everything', () => {
    const config = workerConfigFromEnv({});
    expect(config).to.deep.include({
      logLevel: 'info',
      taskQueues: DEFAULT_TASK_QUEUES,
      emcoBaseUrl: undefined,
      httpTimeoutMs: 30_000,
      shutdownGraceMs: 10_000,
      identity: undefined,
      maxConcurrentActivities: undefined,
      monitor: { host: '0.0.0.0', port: 9091 },
    });
    expect(config.temporal.address).to.equal('localhost:7233');
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it('reads every variable', () => {
    const config = workerConfigFromEnv({
      LOG_LEVEL: 'DEBUG',
      TEMPORAL_SERVER: 'temporal',
      TEMPORAL_PORT: '7300',
      TAC_WORKER_TASK_QUEUES: ' a, b ,a,,c ',
      TAC_WORKER_EMCO_URL: 'http://orchestrator:9015/',
      TAC_WORKER_HTTP_TIMEOUT: '5s',
      TAC_WORKER_SHUTDOWN_GRACE: '1m',
      TAC_WORKER_IDENTITY: 'w-1',
      TAC_WORKER_MAX_CONCURRENT_ACTIVITIES: '8',
      TAC_WORKER_MONITOR_HOST: '::',
      TAC_WORKER_MONITOR_PORT: '9191',
    });
    expect(config).to.deep.include({
      logLevel: 'debug',
      taskQueues: ['a', 'b', 'c'],
      emcoBaseUrl: 'http://orchestrator:9015',
      httpTimeoutMs: 5_000,
      shutdownGraceMs: 60_000,
      identity: 'w-1',
      maxConcurrentActivities: 8,
      monitor: { host: '::', port: 9191 },
    });
    expect(config.temporal.address).to.equal('temporal:7300');
  });

  describe('the monitoring listener', () => {
    it('takes port 0 as "any free port"', () => {
      expect(workerConfigFromEnv({ TAC_WORKER_MONITOR_PORT: '0' }).monitor).to.deep.equal({
        host: '0.0.0.0',
        port: 0,
      });
    });

    it('is turned off with TAC_WORKER_MONITOR=false', () => {
      for (const off of ['false', 'FALSE', '0', 'no', 'off']) {
        expect(workerConfigFromEnv({ TAC_WORKER_MONITOR: off }).monitor, off).to.equal(null);
      }
      expect(workerConfigFromEnv({ TAC_WORKER_MONITOR: 'true' }).monitor).to.not.equal(null);
    });

    it('rejects a port that is not a port, with a message naming the variable and the value', () => {
      for (const bad of ['65536', '-1', '90a', '9091.5', 'http']) {
        expect(() => workerConfigFromEnv({ TAC_WORKER_MONITOR_PORT: bad }), bad).to.throw(
          EnvValueError,
          `TAC_WORKER_MONITOR_PORT: expected a port number 0-65535, got ${JSON.stringify(bad)}`,
        );
      }
    });

    it('checks the port and host even when the listener is off', () => {
      expect(() =>
        workerConfigFromEnv({ TAC_WORKER_MONITOR: 'false', TAC_WORKER_MONITOR_PORT: '99999' }),
      ).to.throw(EnvValueError, /^TAC_WORKER_MONITOR_PORT:/);
      expect(() => workerConfigFromEnv({ TAC_WORKER_MONITOR_HOST: 'a b' })).to.throw(
        EnvValueError,
        'TAC_WORKER_MONITOR_HOST: expected a host name or IP address, got "a b"',
      );
    });

    it('rejects a switch that is not a boolean', () => {
      expect(() => workerConfigFromEnv({ TAC_WORKER_MONITOR: 'maybe' })).to.throw(
        EnvValueError,
        'TAC_WORKER_MONITOR: expected a boolean (true/false), got "maybe"',
      );
    });
  });

  it('rejects bad values naming the variable', () => {
    expect(() => workerConfigFromEnv({ LOG_LEVEL: 'loud' })).to.throw(
      EnvValueError,
      /^LOG_LEVEL: expected one of/,
    );
    expect(() => workerConfigFromEnv({ TAC_WORKER_TASK_QUEUES: ' , ' })).to.throw(
      EnvValueError,
      'TAC_WORKER_TASK_QUEUES: lists no task queue',
    );
    expect(() => workerConfigFromEnv({ TAC_WORKER_EMCO_URL: 'orchestrator:9015' })).to.throw(
      EnvValueError,
      /^TAC_WORKER_EMCO_URL: expected an http\(s\) URL/,
    );
    expect(() => workerConfigFromEnv({ TAC_WORKER_HTTP_TIMEOUT: 'fast' })).to.throw(
      EnvValueError,
      /TAC_WORKER_HTTP_TIMEOUT/,
    );
    expect(() => workerConfigFromEnv({ TEMPORAL_TLS_CERT_FILE: '/x' })).to.throw(
      EnvValueError,
      /TEMPORAL_TLS_CERT_FILE/,
    );
  });

  it('allows the default EMCO URL alone unless TAC_WORKER_EMCO_ALLOWED_URLS lists the EMCO URLs', () => {
    expect(workerConfigFromEnv({}).emcoAllowedUrls).to.deep.equal([]);
    expect(
      workerConfigFromEnv({ TAC_WORKER_EMCO_URL: 'http://orchestrator:9015/' }).emcoAllowedUrls,
    ).to.deep.equal(['http://orchestrator:9015']);
    expect(
      workerConfigFromEnv({
        TAC_WORKER_EMCO_URL: 'http://orchestrator:9015',
        TAC_WORKER_EMCO_ALLOWED_URLS: 'http://a:9015, https://b.example/emco',
      }).emcoAllowedUrls,
    ).to.deep.equal(['http://a:9015', 'https://b.example/emco']);
    expect(() => workerConfigFromEnv({ TAC_WORKER_EMCO_ALLOWED_URLS: 'http://a:9015,ftp://b' })).to.throw(
      EnvValueError,
      /^TAC_WORKER_EMCO_ALLOWED_URLS: expected an http\(s\) URL, got "ftp:\/\/b"/,
    );
  });
});
