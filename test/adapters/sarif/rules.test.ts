import { describe, expect, it } from 'vitest';
import { compactRule, findRule, toolFrom } from '../../../adapters/sarif/rules.js';

const tool = toolFrom({
  driver: {
    name: 'Driver',
    guid: 'D-GUID',
    rules: [{ id: 'A001', guid: 'rule-guid-a' }, { id: 'CA2101' }, 'not a rule', { id: 'js/xss' }],
  },
  extensions: [
    { name: 'pack-one', guid: 'EXT-1', rules: [{ id: 'E1' }, { id: 'shared' }] },
    { name: 'pack-two', guid: 'EXT-2', rules: [{ id: 'E2' }, { id: 'js/xss' }] },
  ],
});

describe('findRule', () => {
  it.each([
    ['ruleIndex', { ruleIndex: 1 }, 'CA2101', 'Driver'],
    ['ruleIndex with matching ruleId', { ruleId: 'A001', ruleIndex: 0 }, 'A001', 'Driver'],
    ['rule.index', { rule: { index: 3 } }, 'js/xss', 'Driver'],
    ['ruleId', { ruleId: 'js/xss' }, 'js/xss', 'Driver'],
    ['rule.id', { rule: { id: 'CA2101' } }, 'CA2101', 'Driver'],
    ['rule.guid', { rule: { guid: 'rule-guid-a' } }, 'A001', 'Driver'],
    ['hierarchical ruleId a/b → a', { ruleId: 'CA2101/1' }, 'CA2101', 'Driver'],
    ['hierarchical with two levels', { ruleId: 'CA2101/1/x' }, 'CA2101', 'Driver'],
    [
      'ruleIndex whose rule has a different id loses to the id',
      { ruleId: 'js/xss', ruleIndex: 0 },
      'js/xss',
      'Driver',
    ],
    [
      'toolComponent by index',
      { rule: { id: 'E2', index: 0, toolComponent: { index: 1 } } },
      'E2',
      'pack-two',
    ],
    [
      'toolComponent by name',
      { ruleId: 'js/xss', rule: { toolComponent: { name: 'pack-two' } } },
      'js/xss',
      'pack-two',
    ],
    [
      'toolComponent by guid, any case',
      { rule: { id: 'E1', toolComponent: { guid: 'ext-1' } } },
      'E1',
      'pack-one',
    ],
    [
      'toolComponent naming the driver by guid',
      { rule: { index: 1, toolComponent: { guid: 'D-GUID' } } },
      'CA2101',
      'Driver',
    ],
    ['no toolComponent: extensions are searched by id', { ruleId: 'shared' }, 'shared', 'pack-one'],
  ])('%s', (_name, result, id, component) => {
    const found = findRule(result, tool);
    expect(found.rule?.id).toBe(id);
    expect(found.component.name).toBe(component);
    expect(found.missing).toBeUndefined();
  });

  it.each([
    ['an unknown ruleId', { ruleId: 'NOPE' }, 'NOPE', 'tool component "Driver" defines no rule "NOPE"'],
    [
      'an index past the end',
      { ruleIndex: 40 },
      undefined,
      'tool component "Driver" defines no rule at index 40',
    ],
    ['an index on a hole', { ruleIndex: 2 }, undefined, 'tool component "Driver" defines no rule at index 2'],
    ['no rule reference at all', {}, undefined, 'the result names no rule (no ruleId, ruleIndex or rule)'],
    [
      'a toolComponent index past the extensions',
      { ruleId: 'E1', rule: { toolComponent: { index: 9 } } },
      'E1',
      'its rule.toolComponent names no tool component of the run',
    ],
    [
      'an id that exists only in another extension than the one named',
      { ruleId: 'E1', rule: { toolComponent: { name: 'pack-two' } } },
      'E1',
      'tool component "pack-two" defines no rule "E1"',
    ],
  ])('reports %s as missing and keeps the stated id', (_name, result, ruleId, missing) => {
    const found = findRule(result, tool);
    expect(found.rule).toBeUndefined();
    expect(found.ruleId).toBe(ruleId);
    expect(found.missing).toBe(missing);
  });
});

describe('compactRule', () => {
  it('keeps what the mapping needs and drops the rest', () => {
    const rule = compactRule({
      id: 'R1',
      name: 'rule-one',
      shortDescription: { text: 'Short' },
      fullDescription: { markdown: '**Full**' },
      help: { text: '', markdown: 'help md' },
      helpUri: 'https://example.com/r1',
      defaultConfiguration: { level: 'error', rank: 5 },
      messageStrings: { default: { text: 'hello {0}' } },
      properties: { tags: ['security', 7, 'CWE-79'], 'security-severity': '7.5' },
      relationships: [{ target: { id: '79', toolComponent: { name: 'CWE', index: 0 } } }, 'junk'],
      help_huge: 'x'.repeat(1000),
    });
    expect(rule).toEqual({
      id: 'R1',
      name: 'rule-one',
      shortDescription: 'Short',
      fullDescription: '**Full**',
      helpText: 'help md',
      helpUri: 'https://example.com/r1',
      defaultLevel: 'error',
      messageStrings: { default: 'hello {0}' },
      properties: { tags: ['security', 7, 'CWE-79'], 'security-severity': '7.5' },
      tags: ['security', 'CWE-79'],
      relationships: [{ id: '79', componentName: 'CWE', componentIndex: 0 }],
    });
    expect(compactRule('R1')).toBeUndefined();
  });
});
