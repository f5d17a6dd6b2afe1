import { describe, expect, it } from 'vitest';
import {
  addressError,
  guidError,
  hostError,
  portError,
  positiveIntError,
  tenantError,
} from '../../../shared/config/validate';

describe('validation messages', () => {
  it('accepts good values', () => {
    expect(hostError('outlook.office365.com')).toBeNull();
    expect(hostError('127.0.0.1')).toBeNull();
    expect(hostError('::1')).toBeNull();
    expect(portError('993')).toBeNull();
    expect(addressError('alice@contoso.com')).toBeNull();
    expect(guidError('9188040d-6c67-4c5b-b112-36a304b66dad')).toBeNull();
    expect(tenantError('contoso.onmicrosoft.com')).toBeNull();
    expect(positiveIntError('1000', '--timeout-ms')).toBeNull();
  });

  it('explains bad ones', () => {
    expect(hostError('bad host!')).toMatch(/not a host name/);
    expect(portError('0')).toMatch(/out of range/);
    expect(portError('70000')).toMatch(/out of range/);
    expect(portError('99a')).toMatch(/not a port/);
    expect(addressError('alice')).toMatch(/not an email address/);
    expect(guidError('1234')).toMatch(/not a GUID/);
    expect(tenantError('contoso')).toMatch(/neither a tenant GUID/);
    expect(positiveIntError('-5', '--timeout-ms')).toMatch(/whole number/);
  });
});
