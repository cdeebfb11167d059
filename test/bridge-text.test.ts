/** Bridge strings are data: src/shared/bridge-text.ts, the one sanitiser. */
import { bridgeText, isLogin, singleLine, terminalSafe, TEXT_LIMITS } from '../src/shared/bridge-text';

describe('singleLine', () => {
  it('turns control characters, line breaks and bidirectional controls into spaces, one line', () => {
    expect(singleLine('healthy\r\nBcc: evil@example.com')).toBe('healthy Bcc: evil@example.com');
    expect(singleLine('a\u0000b\u0007c\u001b[31md\u007f\u0085e')).toBe('a b c [31md e');
    expect(singleLine('invoice\u202Etxt.exe\u2028next\u2029x\u2066y')).toBe('invoice txt.exe next x y');
    expect(singleLine('  many    spaces\t\there  ')).toBe('many spaces here');
  });

  it('bounds the length in characters, marking the cut', () => {
    const long = singleLine('é'.repeat(5_000), 100);
    expect(Array.from(long)).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
    expect(singleLine('👍'.repeat(10), 5)).toBe('👍👍👍👍…'); // never half a surrogate pair
    expect(singleLine('short', 100)).toBe('short');
  });

  it('keeps the text itself: no escaping here (that is the HTML writer\'s job)', () => {
    expect(singleLine('<b>&"x"</b> https://evil.example')).toBe('<b>&"x"</b> https://evil.example');
  });
});

describe('bridgeText', () => {
  it('is undefined for a non-string or what cleans to nothing', () => {
    expect(bridgeText(42, TEXT_LIMITS.name)).toBeUndefined();
    expect(bridgeText('\r\n\t', TEXT_LIMITS.name)).toBeUndefined();
    expect(bridgeText('Fund A', TEXT_LIMITS.name)).toBe('Fund A');
  });
});

describe('terminalSafe', () => {
  it('removes what a terminal would act on, keeping the columns', () => {
    expect(terminalSafe('ok    \u001b]0;pwned\u0007 done')).toBe('ok     ]0;pwned  done');
  });
});

describe('isLogin', () => {
  it.each([['886557', true], ['0', true], ['1'.repeat(20), true], ['1'.repeat(21), false], ['', false], ['886 557', false], ['886557<script>', false], ['１２３', false], ['-5', false], ['1e9', false]])(
    '%p → %p',
    (text, ok) => expect(isLogin(text as string)).toBe(ok),
  );
});
