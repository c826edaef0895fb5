import { expect } from 'chai';
import fc from 'fast-check';
import {
  RESOURCE_NAME_MAX_LENGTH,
  emcoNameOf,
  identityOf,
  isDns1123Subdomain,
  isIntent,
  isValidEmcoName,
  resourceNameFor,
} from '../../../../common/emco/names.js';
import { ANNOTATION_NAME } from '../../../../common/domain/annotations.js';
import { tacIntentToResource } from '../../../../common/model/convert.js';
import { decodeTacIntent } from '../../../../common/emco/decode.js';
import { digRef, emcoName, identity } from '../../../support/emco-arbitraries.js';

const DIG = {
  project: 'proj1',
  compositeApp: 'hello',
  compositeAppVersion: 'v1',
  deploymentIntentGroup: 'dig1',
};

function resourceOf(id: typeof DIG & { name: string }): ReturnType<typeof tacIntentToResource> {
  const intent = decodeTacIntent(
    JSON.stringify({ metadata: { name: id.name }, spec: { hookType: 'pre-install' } }),
  );
  return tacIntentToResource(id, intent, 'ns');
}

describe('EMCO names ↔ resource names', () => {
  it('gives a readable DNS-1123 label: lower-cased name, other characters as -, a hash', () => {
    expect(resourceNameFor({ ...DIG, name: 'Hello_World.v2' })).to.match(/^hello-world-v2-[a-z2-7]{10}$/);
    expect(resourceNameFor({ ...DIG, name: 'ABCD' })).to.match(/^abcd-[a-z2-7]{10}$/);
  });

  it('is deterministic', () => {
    expect(resourceNameFor({ ...DIG, name: 'x' })).to.equal(resourceNameFor({ ...DIG, name: 'x' }));
  });

  it('keeps names that differ only in case or punctuation apart', () => {
    const names = ['abc', 'ABC', 'Abc', 'a.bc', 'a-bc', 'a_bc', 'a--bc'].map((name) =>
      resourceNameFor({ ...DIG, name }),
    );
    expect(new Set(names).size).to.equal(names.length);
  });

  it('gives the same name in two DIGs two resources', () => {
    const a = resourceNameFor({ ...DIG, name: 'same' });
    const b = resourceNameFor({ ...DIG, deploymentIntentGroup: 'dig2', name: 'same' });
    expect(a).not.to.equal(b);
  });

  it('does not confuse identities whose parts shift between fields', () => {
    const a = resourceNameFor({
      project: 'a-b',
      compositeApp: 'c',
      compositeAppVersion: 'v',
      deploymentIntentGroup: 'd',
      name: 'n',
    });
    const b = resourceNameFor({
      project: 'a',
      compositeApp: 'b-c',
      compositeAppVersion: 'v',
      deploymentIntentGroup: 'd',
      name: 'n',
    });
    expect(a).not.to.equal(b);
  });

  it('stays within 63 characters for a 128-character name', () => {
    const name = resourceNameFor({ ...DIG, name: `A${'b'.repeat(126)}C` });
    expect(name.length).to.equal(RESOURCE_NAME_MAX_LENGTH);
    expect(isDns1123Subdomain(name)).to.equal(true);
  });

  it('reads the EMCO name from the annotation, else from metadata.name', () => {
    expect(
      emcoNameOf({ metadata: { name: 'x-abc', annotations: { [ANNOTATION_NAME]: 'X_1' } }, spec: DIG }),
    ).to.equal('X_1');
    expect(emcoNameOf({ metadata: { name: 'made-with-kubectl' }, spec: DIG })).to.equal('made-with-kubectl');
    expect(
      isIntent({ metadata: { name: 'made-with-kubectl' }, spec: DIG }, DIG, 'made-with-kubectl'),
    ).to.equal(true);
    expect(
      isIntent(
        { metadata: { name: 'made-with-kubectl' }, spec: DIG },
        { ...DIG, project: 'p2' },
        'made-with-kubectl',
      ),
    ).to.equal(false);
  });

  it('validates EMCO names as EMCO does', () => {
    expect(isValidEmcoName('a')).to.equal(true);
    expect(isValidEmcoName('a'.repeat(129))).to.equal(false);
    expect(isValidEmcoName('-a')).to.equal(false);
  });

  it('maps 10,000 generated EMCO identities to distinct valid names and back to themselves', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(identity, (id) => {
        expect(isValidEmcoName(id.name)).to.equal(true);
        const resource = resourceOf(id);
        const name = resource.metadata.name ?? '';
        expect(isDns1123Subdomain(name)).to.equal(true);
        expect(name.length).to.be.at.most(RESOURCE_NAME_MAX_LENGTH);
        const key = JSON.stringify(id);
        const previous = seen.get(name);
        if (previous !== undefined) expect(previous, `${name} is taken`).to.equal(key);
        seen.set(name, key);
        expect(identityOf(resource)).to.deep.equal(id);
      }),
      { numRuns: 10_000 },
    );
    expect(seen.size).to.be.greaterThan(9_000);
  });

  it('maps one name under many DIGs to distinct resources', () => {
    fc.assert(
      fc.property(
        emcoName,
        fc.uniqueArray(digRef, { minLength: 2, maxLength: 20, selector: (d) => JSON.stringify(d) }),
        (name, digs) => {
          const names = digs.map((dig) => resourceNameFor({ ...dig, name }));
          expect(new Set(names).size).to.equal(digs.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
