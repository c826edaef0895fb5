import { expect } from 'chai';
import { ClientConfigError, NamedClients, parseNamedClients } from '../../../client/named-clients.js';

const FILE = '/etc/tac/clients.yaml';

function configError(text: string): string {
  try {
    parseNamedClients(text, FILE);
  } catch (err) {
    expect(err).to.be.instanceOf(ClientConfigError);
    return (err as Error).message;
  }
  expect.fail('expected a ClientConfigError');
}

describe('named clients', () => {
  it('without a file, only "default" resolves: the built-in EMCO reference client', () => {
    const clients = new NamedClients(undefined, undefined);
    expect(clients.resolve('default')).to.deep.equal({
      name: 'default',
      workflowType: 'taskQueue',
      taskQueue: undefined,
      allowTaskQueueOverride: true,
      arguments: 'workflowParams',
    });
    expect(clients.resolve('migrate_workflowclient')).to.equal(undefined);
    expect(clients.names()).to.deep.equal(['default']);
  });

  it('reads clients from YAML with defaults for missing fields', () => {
    const clients = parseNamedClients(
      [
        'clients:',
        '  migrate_workflowclient:',
        '    workflowType: migrate',
        '    taskQueue: tac-worker',
        '  params-only:',
        '    arguments: activityParams',
        '    allowTaskQueueOverride: true',
        '  bare:',
        '    taskQueue: q1',
      ].join('\n'),
      FILE,
    );
    expect(clients.file).to.equal(FILE);
    expect(clients.names()).to.deep.equal(['bare', 'default', 'migrate_workflowclient', 'params-only']);
    expect(clients.resolve('migrate_workflowclient')).to.deep.equal({
      name: 'migrate_workflowclient',
      workflowType: 'migrate',
      taskQueue: 'tac-worker',
      allowTaskQueueOverride: false,
      arguments: 'workflowParams',
    });
    expect(clients.resolve('params-only')).to.include({
      workflowType: 'taskQueue',
      allowTaskQueueOverride: true,
      arguments: 'activityParams',
    });
    expect(clients.resolve('bare')).to.include({
      workflowType: 'taskQueue',
      taskQueue: 'q1',
      allowTaskQueueOverride: false,
      arguments: 'workflowParams',
    });
  });

  it('with a file, unknown names do not resolve but "default" is the built-in client', () => {
    const clients = parseNamedClients('clients:\n  a:\n    taskQueue: q\n', FILE);
    expect(clients.resolve('b')).to.equal(undefined);
    expect(clients.resolve('default')).to.include({ name: 'default', workflowType: 'taskQueue' });
  });

  it('lets the file redefine "default"', () => {
    const clients = parseNamedClients(
      'clients:\n  default:\n    workflowType: helloWorld\n    taskQueue: q\n',
      FILE,
    );
    expect(clients.resolve('default')).to.include({ workflowType: 'helloWorld' });
  });

  it('reports every schema problem with its path', () => {
    expect(
      configError(
        [
          'clients:',
          '  ok: {}',
          '  "bad name":',
          '    taskQueue: q',
          '  x:',
          '    arguments: all',
          '    retries: 3',
          '    taskQueue: 5',
        ].join('\n'),
      ),
    ).to.equal(
      `${FILE}: invalid client configuration:\n` +
        '  /clients: client name "bad name" must match ^[a-zA-Z0-9_-]+$\n' +
        "  /clients/ok: set taskQueue (the client's pinned task queue) or allowTaskQueueOverride: true (the body chooses it)\n" +
        '  /clients/x: unknown field "retries"\n' +
        '  /clients/x/taskQueue: must be string\n' +
        '  /clients/x/arguments: must be one of workflowParams, activityParams, none',
    );
  });

  it('rejects a file without clients, and text that is not YAML', () => {
    expect(configError('other: 1\n')).to.contain("(top level): must have required property 'clients'");
    expect(configError('clients: [\n')).to.match(/^\/etc\/tac\/clients.yaml: not valid YAML: /);
  });
});
