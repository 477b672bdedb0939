import { describe, expect, it } from 'vitest';
import {
  isAtLeast,
  labelFromCvss,
  labelFromNessusSeverity,
  labelFromSarifLevel,
  normalizeLabel,
  parseSeverityOption,
  severity,
} from '../src/severity.js';

describe('severity mappers', () => {
  it.each([
    [0, 'INFORMATIONAL'],
    [0.1, 'LOW'],
    [3.9, 'LOW'],
    [4, 'MEDIUM'],
    [6.9, 'MEDIUM'],
    [7, 'HIGH'],
    [8.9, 'HIGH'],
    [9, 'CRITICAL'],
    [10, 'CRITICAL'],
    ['9.8', 'CRITICAL'],
    [11, undefined],
    [-1, undefined],
    ['high', undefined],
    ['', undefined],
  ])('labelFromCvss(%j) = %s', (score, label) => {
    expect(labelFromCvss(score)).toBe(label);
  });

  it.each([
    ['High', 'HIGH'],
    ['moderate', 'MEDIUM'],
    [' INFO ', 'INFORMATIONAL'],
    ['Critical', 'CRITICAL'],
    ['negligible', 'INFORMATIONAL'],
    ['bogus', undefined],
  ])('normalizeLabel(%j) = %s', (word, label) => {
    expect(normalizeLabel(word)).toBe(label);
  });

  it.each([
    ['none', 'INFORMATIONAL'],
    ['note', 'LOW'],
    ['warning', 'MEDIUM'],
    ['error', 'HIGH'],
    ['fatal', undefined],
  ])('labelFromSarifLevel(%j) = %s', (level, label) => {
    expect(labelFromSarifLevel(level)).toBe(label);
  });

  it.each([
    ['0', 'INFORMATIONAL'],
    [1, 'LOW'],
    ['4', 'CRITICAL'],
    ['5', undefined],
    ['x', undefined],
  ])('labelFromNessusSeverity(%j) = %s', (value, label) => {
    expect(labelFromNessusSeverity(value)).toBe(label);
  });

  it('keeps the original value and compares ranks', () => {
    expect(severity('HIGH', 7.5)).toEqual({ label: 'HIGH', original: '7.5' });
    expect(severity('LOW', '')).toEqual({ label: 'LOW', original: 'LOW' });
    expect(isAtLeast('HIGH', 'MEDIUM')).toBe(true);
    expect(isAtLeast('LOW', 'MEDIUM')).toBe(false);
    expect(parseSeverityOption('high')).toBe('HIGH');
    expect(parseSeverityOption('nope')).toBeUndefined();
  });
});
