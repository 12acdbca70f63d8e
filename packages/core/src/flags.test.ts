import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CallbackAbort, CallbackFlags, CallbackStop } from './flags.js';

describe('CallbackFlags', () => {
  it('has the PortAudio bit values', () => {
    expect(CallbackFlags.INPUT_UNDERFLOW).toBe(1);
    expect(CallbackFlags.INPUT_OVERFLOW).toBe(2);
    expect(CallbackFlags.OUTPUT_UNDERFLOW).toBe(4);
    expect(CallbackFlags.OUTPUT_OVERFLOW).toBe(8);
    expect(CallbackFlags.PRIMING_OUTPUT).toBe(16);
  });

  it('reads the bits', () => {
    const flags = new CallbackFlags(1 | 8);
    expect(flags.bits).toBe(9);
    expect(flags.inputUnderflow).toBe(true);
    expect(flags.inputOverflow).toBe(false);
    expect(flags.outputUnderflow).toBe(false);
    expect(flags.outputOverflow).toBe(true);
    expect(flags.primingOutput).toBe(false);
    expect(flags.any).toBe(true);
    expect(new CallbackFlags().any).toBe(false);
    expect(new CallbackFlags().bits).toBe(0);
  });

  it('sets and clears single flags', () => {
    const flags = new CallbackFlags();
    flags.primingOutput = true;
    flags.inputOverflow = true;
    expect(flags.bits).toBe(18);
    flags.primingOutput = false;
    expect(flags.bits).toBe(2);
    flags.outputUnderflow = true;
    flags.inputUnderflow = true;
    flags.outputOverflow = true;
    expect(flags.bits).toBe(15);
    flags.inputOverflow = false;
    expect(flags.bits).toBe(13);
  });

  it('rejects non-boolean flag values and invalid bits', () => {
    const flags = new CallbackFlags();
    expect(() => {
      (flags as { inputUnderflow: unknown }).inputUnderflow = 1;
    }).toThrow(new TypeError('inputUnderflow must be true or false, got 1'));
    expect(() => new CallbackFlags(-1)).toThrow(RangeError);
    expect(() => new CallbackFlags('1' as never)).toThrow(TypeError);
  });

  it('merges like Python |=', () => {
    const errors = new CallbackFlags();
    const result = errors.merge(new CallbackFlags(1)).merge(new CallbackFlags(8)).merge(2);
    expect(result).toBe(errors);
    expect(errors.bits).toBe(11);
    expect(errors.merge(1).bits).toBe(11);
    expect(() => errors.merge(-3)).toThrow(RangeError);
  });

  it('keeps unknown bits', () => {
    const flags = new CallbackFlags(0x100);
    expect(flags.any).toBe(true);
    flags.inputUnderflow = true;
    expect(flags.bits).toBe(0x101);
    expect(flags.toString()).toBe('input underflow');
  });

  it("String(flags) is Python's str(): the set flags, '' when none (issue 13)", () => {
    expect(String(new CallbackFlags())).toBe('');
    expect(`${new CallbackFlags(4)}`).toBe('output underflow');
    expect(new CallbackFlags(1 | 8).toString()).toBe('input underflow, output overflow');
    expect(String(new CallbackFlags(31))).toBe('input overflow, input underflow, output overflow, output underflow, priming output');
  });

  it("util.inspect and repr() give Python's repr() form", () => {
    expect(new CallbackFlags().repr()).toBe('<CallbackFlags: no flags set>');
    expect(new CallbackFlags(1 | 8).repr()).toBe('<CallbackFlags: input underflow, output overflow>');
    expect(inspect(new CallbackFlags(4))).toBe('<CallbackFlags: output underflow>');
    expect(inspect(new CallbackFlags())).toBe('<CallbackFlags: no flags set>');
  });
});

describe('CallbackStop and CallbackAbort', () => {
  it('are errors with their own names', () => {
    const stop = new CallbackStop();
    expect(stop).toBeInstanceOf(Error);
    expect(stop).toBeInstanceOf(CallbackStop);
    expect(stop).not.toBeInstanceOf(CallbackAbort);
    expect(stop.name).toBe('CallbackStop');
    expect(stop.message).toBe('Stream callback requested stop');
    expect(stop.stack?.split('\n')[0]).toBe('CallbackStop: Stream callback requested stop');
    expect(Object.keys(stop)).toEqual([]);

    const cause = new Error('why');
    const abort = new CallbackAbort('enough', { cause });
    expect(abort).toBeInstanceOf(Error);
    expect(abort.name).toBe('CallbackAbort');
    expect(abort.message).toBe('enough');
    expect(abort.cause).toBe(cause);
    expect(String(abort)).toBe('CallbackAbort: enough');
  });
});
