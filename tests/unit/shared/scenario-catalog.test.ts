import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../electron/lab/state';
import {
  SCENARIO_CATALOG,
  SCENARIO_GROUPS,
  scenarioEntry,
  scenarioMenu,
} from '../../../shared/lab/scenario-catalog';

describe('the scenario catalog', () => {
  it('describes every scenario of the lab, and names no scenario the lab does not have', () => {
    const lab = [...SCENARIOS].sort();
    const catalog = Object.keys(SCENARIO_CATALOG).sort();
    expect(lab.filter((id) => !catalog.includes(id))).toEqual([]);
    expect(catalog.filter((id) => !(lab as string[]).includes(id))).toEqual([]);
  });

  it('gives each scenario a known group, a title and one line of what it breaks', () => {
    const groups = SCENARIO_GROUPS.map((g) => g.id) as string[];
    for (const [id, entry] of Object.entries(SCENARIO_CATALOG)) {
      expect(groups, id).toContain(entry.group);
      expect(entry.title.length, id).toBeGreaterThan(3);
      expect(entry.breaks, id).not.toMatch(/\n/);
      expect(entry.breaks.length, id).toBeLessThanOrEqual(100);
      expect(entry.title, id).not.toBe(id);
    }
    expect(scenarioEntry('graph-rbac-scope-excludes-mailbox')?.title).toBe(
      'Graph: the RBAC scope leaves the mailbox out',
    );
  });

  it('groups a menu in the groups’ order, the lab’s order inside, and unknown ids under Other', () => {
    const menu = scenarioMenu(['proxy-healthy', 'secret-expired', 'healthy', 'secret-invalid', 'new-one']);
    expect(menu.map((g) => g.label)).toEqual([
      'Nothing broken',
      'Token and app registration',
      'Network and proxy',
      'Other',
    ]);
    expect(menu[1]?.scenarios.map((s) => s.id)).toEqual(['secret-expired', 'secret-invalid']);
    expect(menu[3]?.scenarios).toEqual([{ id: 'new-one', title: 'new-one', breaks: 'No description' }]);
    expect(scenarioEntry('toString')).toBeNull();
  });

  it('puts the token, Exchange grant, account policy and network scenarios in their groups', () => {
    const menu = scenarioMenu(SCENARIOS);
    const groupOf = (id: string) => menu.find((g) => g.scenarios.some((s) => s.id === id))?.id;
    expect(groupOf('secret-invalid')).toBe('token');
    expect(groupOf('wrong-object-id')).toBe('exchange-grants');
    expect(groupOf('smtp-auth-disabled-tenant')).toBe('account-policy');
    expect(groupOf('proxy-blocks-port')).toBe('network');
    expect(menu.some((g) => g.id === 'other')).toBe(false);
  });
});
