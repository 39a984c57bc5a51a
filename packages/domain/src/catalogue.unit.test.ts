import { describe, expect, it } from 'vitest';
import { CategoryCatalogue, DEFAULT_CATEGORIES } from './catalogue.js';

describe('default catalogue', () => {
  const catalogue = new CategoryCatalogue();

  it('marks PIPL Art. 28 categories and identity-document numbers as sensitive', () => {
    for (const code of [
      'biometric',
      'religious_belief',
      'specific_identity',
      'health',
      'medical_health',
      'financial_account',
      'location_tracking',
      'whereabouts',
      'minor_under_14',
      'id_document_number',
    ]) {
      expect(catalogue.lookup(code)?.sensitive, code).toBe(true);
    }
  });

  // GB/T 35273-2020 Annex B, Table B.2 (examples of sensitive PI), code by code.
  it.each([
    ['order_history', '交易和消费记录 (transaction and consumption records)'],
    ['transaction_record', '交易和消费记录'],
    ['deposit_information', '存款信息'],
    ['bank_statement', '流水记录'],
    ['property_information', '房产信息'],
    ['credit_information', '信贷记录、征信信息'],
    ['virtual_property', '虚拟货币、虚拟交易、游戏类兑换码'],
    ['authentication_credential', '鉴别信息 (口令)'],
    ['medical_record', '病症、住院志、医嘱单、检验报告…'],
    ['reproductive_information', '生育信息'],
    ['id_document_number', '身份证、护照、驾驶证…'],
    ['sexual_orientation', '性取向'],
    ['marital_history', '婚史'],
    ['criminal_record', '未公开的违法犯罪记录'],
    ['communication_content', '通信记录和内容'],
    ['contact_list', '通讯录、好友列表、群组列表'],
    ['browsing_history', '网页浏览记录'],
    ['accommodation_record', '住宿信息'],
    ['precise_location', '精准定位信息'],
  ])('%s is sensitive (Annex B: %s)', (code) => {
    expect(catalogue.lookup(code)?.sensitive).toBe(true);
    expect(catalogue.classify([code])).toEqual({ classes: ['sensitive'], unknown: [] });
  });

  it('marks ordinary contact data as non-sensitive', () => {
    for (const code of ['name', 'contact_phone', 'email', 'address']) {
      expect(catalogue.lookup(code)?.sensitive, code).toBe(false);
    }
  });

  it('has unique snake_case codes with descriptions', () => {
    const codes = DEFAULT_CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of DEFAULT_CATEGORIES) {
      expect(c.code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(c.description.length).toBeGreaterThan(0);
    }
  });

  it('lists every entry sorted by code', () => {
    const list = catalogue.list();
    expect(list).toHaveLength(DEFAULT_CATEGORIES.length);
    expect(list.map((c) => c.code)).toEqual([...list.map((c) => c.code)].sort());
  });
});

describe('classify', () => {
  const catalogue = new CategoryCatalogue();

  it('name + health gives both classes', () => {
    expect(catalogue.classify(['name', 'health'])).toEqual({ classes: ['nonSensitive', 'sensitive'], unknown: [] });
  });

  it('non-sensitive only', () => {
    expect(catalogue.classify(['name', 'email'])).toEqual({ classes: ['nonSensitive'], unknown: [] });
  });

  it('sensitive only', () => {
    expect(catalogue.classify(['biometric'])).toEqual({ classes: ['sensitive'], unknown: [] });
  });

  it('an unknown code counts as sensitive and is reported once', () => {
    expect(catalogue.classify(['name', 'shoe_size', 'shoe_size'])).toEqual({
      classes: ['nonSensitive', 'sensitive'],
      unknown: ['shoe_size'],
    });
    expect(catalogue.classify(['shoe_size']).classes).toEqual(['sensitive']);
    expect(catalogue.isSensitive('shoe_size')).toBe(true);
    expect(catalogue.isSensitive('name')).toBe(false);
  });

  it('is case-sensitive: codes are exact', () => {
    expect(catalogue.classify(['Name']).unknown).toEqual(['Name']);
  });

  it('classifies nothing as no classes', () => {
    expect(catalogue.classify([])).toEqual({ classes: [], unknown: [] });
  });
});

describe('extension by configuration', () => {
  it('extra entries add and override codes', () => {
    const catalogue = new CategoryCatalogue([
      { code: 'shoe_size', sensitive: false, description: 'Shoe size' },
      { code: 'address', sensitive: true, description: 'Home address treated as sensitive' },
    ]);
    expect(catalogue.classify(['shoe_size'])).toEqual({ classes: ['nonSensitive'], unknown: [] });
    expect(catalogue.lookup('address')).toEqual({ code: 'address', sensitive: true, description: 'Home address treated as sensitive' });
    expect(new CategoryCatalogue().lookup('address')?.sensitive).toBe(false);
  });

  it('fromJson merges a JSON array over the defaults', () => {
    const catalogue = CategoryCatalogue.fromJson(
      JSON.stringify([
        { code: 'loyalty_tier', sensitive: false, description: 'Loyalty programme tier' },
        { code: 'vehicle_plate', sensitive: true },
      ]),
    );
    expect(catalogue.lookup('loyalty_tier')?.sensitive).toBe(false);
    expect(catalogue.lookup('vehicle_plate')).toEqual({ code: 'vehicle_plate', sensitive: true, description: 'vehicle_plate' });
    expect(catalogue.lookup('health')?.sensitive).toBe(true);
  });

  it('fromJson rejects malformed JSON clearly', () => {
    expect(() => CategoryCatalogue.fromJson('[{')).toThrow(/category catalogue: not valid JSON/);
  });

  it('fromJson rejects a non-array', () => {
    expect(() => CategoryCatalogue.fromJson('{"code":"x"}')).toThrow(/categories: expected an array, received object/);
  });

  it('fromJson names the bad entry and field', () => {
    expect(() => CategoryCatalogue.fromJson('[{"code":"ok","sensitive":true},{"code":"x","sensitive":"yes"}]')).toThrow(
      /categories\[1\]\.sensitive: expected boolean, received string/,
    );
    expect(() => CategoryCatalogue.fromJson('[{"sensitive":true}]')).toThrow(/categories\[0\]\.code: is required/);
    expect(() => CategoryCatalogue.fromJson('[{"code":"Bad Code","sensitive":true}]')).toThrow(/categories\[0\]\.code: must be a snake_case code/);
    expect(() => CategoryCatalogue.fromJson('[{"code":"a","sensitive":true,"senstive":false}]')).toThrow(
      /categories\[0\]: unrecognized key: senstive/,
    );
  });

  it('may mark more codes sensitive but never make a statutory sensitive code non-sensitive', () => {
    expect(CategoryCatalogue.fromJson('[{"code":"email","sensitive":true},{"code":"health","sensitive":true}]').lookup('email')?.sensitive).toBe(
      true,
    );
    expect(() => CategoryCatalogue.fromJson('[{"code":"health","sensitive":false}]')).toThrow(
      'category catalogue: health is sensitive by law (PIPL Art. 28, GB/T 35273-2020 Annex B) and cannot be made non-sensitive',
    );
    expect(() => new CategoryCatalogue([{ code: 'order_history', sensitive: false, description: 'x' }])).toThrow(/order_history is sensitive by law/);
    expect(() => CategoryCatalogue.fromJson('[{"code":"health","sensitive":false},{"code":"biometric","sensitive":false}]')).toThrow(
      /health, biometric are sensitive by law/,
    );
  });

  it('fromJson rejects duplicate codes', () => {
    expect(() => CategoryCatalogue.fromJson('[{"code":"a","sensitive":true},{"code":"a","sensitive":false}]')).toThrow(
      /categories\[1\]\.code: duplicate code a/,
    );
  });
});
