import { describe, expect, it } from 'vitest';
import { createTemplateMiner } from '../../../src/logs/miner.js';
import { mergeValue, showColumn, showVarying, slotValues } from '../../../src/logs/template-text.js';

describe('template text', () => {
  it('reads the raw text under each mask of a token', () => {
    expect(slotValues('(bit=<HEX>):', '(bit=0x1f2e3d4c):')).toEqual(['0x1f2e3d4c']);
    expect(slotValues('<NUM>_<NUM>', '599962597_69336')).toEqual(['599962597', '69336']);
    expect(slotValues('HTTP/<NUM>"', 'HTTP/1.1"')).toEqual(['1.1']);
    // Masks side by side cannot be told apart: no reading.
    expect(slotValues('<NUM><NUM>', '1234')).toBeUndefined();
    expect(slotValues('[<DUR>]', '(12ms)')).toBeUndefined();
  });

  it('keeps what the values of a number or a path share, and nothing inside an address', () => {
    expect(mergeValue('<DUR>', '12ms', '340ms')).toBe('<*>ms');
    expect(mergeValue('<DUR>', '<*>ms', '1.5s')).toBe('<*>');
    expect(mergeValue('<HEX>', '0x1f2e3d4c', '0xab00cd11')).toBe('0x<*>');
    expect(mergeValue('<SIZE>', '12KiB', '3MiB')).toBe('<*>');
    expect(mergeValue('<NUM>', '-3', '-12')).toBe('-<*>');
    expect(mergeValue('<PATH>', '/var/lib/nova/_base/1a2b', '/var/lib/nova/_base/3c4d')).toBe('/var/lib/nova/_base/<*>');
    // One shared level is not a directory worth keeping.
    expect(mergeValue('<PATH>', '/var/alpha/x.log', '/var/beta/y.log')).toBe('<*>');
    expect(mergeValue('<IP>', '10.251.3.4', '10.251.7.8')).toBe('<*>');
    expect(mergeValue('<NUM>', '1.1', '1.1')).toBe('1.1');
  });

  it('shows constant slots as printed, varying ones as their kind, and ids as one parameter', () => {
    expect(showColumn('HTTP/<NUM>"', ['1.1'])).toBe('HTTP/1.1"');
    expect(showColumn('(bit=<HEX>):', ['0x<*>'])).toBe('(bit=0x<HEX>):');
    expect(showColumn('[<DUR>]', ['<*>ms'])).toBe('[<NUM>ms]');
    expect(showColumn('<NUM>_<NUM>', ['<*>', '<*>'])).toBe('<NUM>_<NUM>');
    expect(showColumn('bglio<NUM>', ['<*>'])).toBe('bglio<NUM>');
    expect(showColumn('blk_<NUM>', ['<*>'])).toBe('<*>');
    expect(showColumn('(attempt_<NUM>_m_<NUM>),', ['<*>', '<*>'])).toBe('(<*>),');
    // Redaction already wrote the address: a constant port after it is the address's own.
    expect(showColumn('/<IP>', ['<IP>:50010'])).toBe('/<IP>');
  });

  it('keeps the key and punctuation around a column that varies', () => {
    expect(showVarying(['rhost=node-<NUM>.prod.internal', 'rhost=db-<NUM>.eu1.internal'])).toBe('rhost=<*>');
    expect(showVarying(['tag="View Lock",', 'tag="AudioMix",'])).toBe('tag=<*>,');
    expect(showVarying(['[alpha],', '[bravo],'])).toBe('[<*>],');
    expect(showVarying(['"curl/8.4.0"', '"Go-http-client/1.1"'])).toBe('"<*>"');
    expect(showVarying(['tasks.send[<UUID>]', 'sync.pull[<UUID>]'])).toBe('<*>[<UUID>]');
    expect(showVarying(['www.example.com:<NUM>', 'mail.example.org:<NUM>'])).toBe('<*>');
    expect(showVarying(['alpha', '<*>'])).toBe('<*>');
  });

  it('gives the miner templates that read like the lines', () => {
    const d = createTemplateMiner();
    let a = 0;
    for (let i = 0; i < 40; i++) a = d.add(`[gc][${i}] overhead, spent [${100 + i * 7}ms] collecting in the last [${(i % 9) + 1}.5s]`);
    expect(d.template(a)).toBe('[gc][<NUM>] overhead, spent [<NUM>ms] collecting in the last [<NUM>s]');
    const e = createTemplateMiner();
    let b = 0;
    for (let i = 0; i < 40; i++) b = e.add(`Receiving block blk_${7000 + i * 13} src: /10.251.${i}.7:${40000 + i} dest: /10.251.${i}.9:50010`);
    expect(e.template(b)).toBe('Receiving block <*> src: /<IP> dest: /<IP>');
  });
});
