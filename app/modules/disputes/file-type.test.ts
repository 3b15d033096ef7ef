import { describe, expect, it } from 'vitest';
import { SAMPLE } from '~test/factories-disputes';
import { attachmentDisposition, detectFileType, safeFilename } from './file-type';
import { ageLevel, ageParts, parseInboxFilters } from './inbox';

describe('attachment type by content', () => {
  it('recognises PDF, PNG and JPEG by their first bytes', () => {
    expect(detectFileType(SAMPLE.pdf)).toBe('application/pdf');
    expect(detectFileType(SAMPLE.png)).toBe('image/png');
    expect(detectFileType(SAMPLE.jpeg)).toBe('image/jpeg');
  });

  it('refuses executables, HTML, empty and truncated content whatever they are called', () => {
    expect(detectFileType(SAMPLE.elf)).toBeNull();
    expect(detectFileType(SAMPLE.exe)).toBeNull();
    expect(detectFileType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(detectFileType(Buffer.alloc(0))).toBeNull();
    expect(detectFileType(Buffer.from('%PD'))).toBeNull();
    expect(detectFileType(SAMPLE.png.subarray(0, 7))).toBeNull();
  });
});

describe('stored file names', () => {
  it('keeps a plain name and its matching extension', () => {
    expect(safeFilename('bon juni.pdf', 'application/pdf')).toBe('bon juni.pdf');
    expect(safeFilename('foto.JPEG', 'image/jpeg')).toBe('foto.JPEG');
  });

  it('strips paths, control characters and quotes, and adds the real extension', () => {
    expect(safeFilename('C:\\Users\\x\\..\\evil".pdf', 'application/pdf')).toBe('evil.pdf');
    expect(safeFilename('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(safeFilename('scan\u0000\r\n.pdf', 'image/png')).toBe('scan.pdf.png');
    expect(safeFilename('', 'application/pdf')).toBe('bijlage.pdf');
    expect(safeFilename('...', 'image/jpeg')).toBe('bijlage.jpg');
    expect(safeFilename(`${'a'.repeat(300)}.pdf`, 'application/pdf')).toHaveLength(120);
  });

  it('offers the name back as an attachment with an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('factuur é (1).pdf')).toBe(
      `attachment; filename="factuur _ (1).pdf"; filename*=UTF-8''factuur%20%C3%A9%20%281%29.pdf`,
    );
  });
});

describe('inbox rules', () => {
  it('grades waiting time against the target: calm, warning from three quarters, late from the target', () => {
    const hour = 3_600_000;
    expect(ageLevel(10 * hour, 48)).toBe('ok');
    expect(ageLevel(36 * hour, 48)).toBe('warn');
    expect(ageLevel(48 * hour, 48)).toBe('bad');
    expect(ageLevel(100 * hour, 48)).toBe('bad');
  });

  it('reads waiting time in minutes, hours, then days', () => {
    expect(ageParts(5 * 60_000)).toEqual({ unit: 'minutes', count: 5 });
    expect(ageParts(3 * 3_600_000)).toEqual({ unit: 'hours', count: 3 });
    expect(ageParts(50 * 3_600_000)).toEqual({ unit: 'days', count: 2 });
  });

  it('falls back to defaults for unknown filter values', () => {
    expect(parseInboxFilters(new URLSearchParams('status=bogus&age=x&assignee=1%20or%201&kind=all'))).toEqual({
      status: 'active',
      age: 'any',
      assignee: 'any',
      kind: 'any',
    });
    expect(parseInboxFilters(new URLSearchParams('status=closed&age=over_target&assignee=none&kind=question'))).toEqual(
      {
        status: 'closed',
        age: 'over_target',
        assignee: 'none',
        kind: 'question',
      },
    );
  });
});
