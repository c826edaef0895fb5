import { expect } from 'chai';
import { InvokeError } from '../../../client/invoke-error.js';
import { searchAttributesFromGo } from '../../../client/search-attributes.js';

describe('searchAttributesFromGo', () => {
  it('passes values untyped: scalars as one-element lists, lists as they are', () => {
    expect(
      searchAttributesFromGo({ Kw: 'a', Num: 3, Flag: true, When: '2024-01-01T00:00:00Z', List: ['x', 'y'] }),
    ).to.deep.equal({ Kw: ['a'], Num: [3], Flag: [true], When: ['2024-01-01T00:00:00Z'], List: ['x', 'y'] });
  });

  it('gives undefined for nil or empty maps', () => {
    expect(searchAttributesFromGo(null)).to.equal(undefined);
    expect(searchAttributesFromGo({})).to.equal(undefined);
  });

  it('refuses null, objects and mixed lists with a 400 naming the attribute', () => {
    expect(() => searchAttributesFromGo({ A: null }))
      .to.throw(InvokeError)
      .with.property(
        'message',
        'workflowStartOptions.SearchAttributes.A: null is not a search attribute value (use a string, number, boolean or list)',
      );
    expect(() => searchAttributesFromGo({ B: { x: 1 } })).to.throw(
      InvokeError,
      'SearchAttributes.B: object is not',
    );
    expect(() => searchAttributesFromGo({ C: ['a', 1] }))
      .to.throw(
        InvokeError,
        'SearchAttributes.C: a list must hold only strings, only numbers or only booleans',
      )
      .with.property('status', 400);
  });
});
