/**
 * Device and host API descriptions, and the printable device list.
 *
 * @module
 */

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Whether a device is used for recording (`'input'`) or playback (`'output'`). */
export type DeviceKind = 'input' | 'output';

/** Information about one audio device, as returned by `queryDevices()`. */
export interface DeviceInfo {
  /** The name of the device. */
  readonly name: string;
  /** The device index: what `defaults.device` and the `device` options accept. */
  readonly index: number;
  /** The index of the device's host API; see `queryHostApis()`. */
  readonly hostApi: number;
  /** The maximum number of input channels (0 for output-only devices). */
  readonly maxInputChannels: number;
  /** The maximum number of output channels (0 for input-only devices). */
  readonly maxOutputChannels: number;
  /** Input latency in seconds for interactive use; used for `latency: 'low'`. */
  readonly defaultLowInputLatency: number;
  /** Output latency in seconds for interactive use; used for `latency: 'low'`. */
  readonly defaultLowOutputLatency: number;
  /** Input latency in seconds for robust use; used for `latency: 'high'`. */
  readonly defaultHighInputLatency: number;
  /** Output latency in seconds for robust use; used for `latency: 'high'`. */
  readonly defaultHighOutputLatency: number;
  /** The device's default sample rate in Hz; used when no sample rate is given. */
  readonly defaultSampleRate: number;
}

/** Information about one host API, as returned by `queryHostApis()`. */
export interface HostApiInfo {
  /** The name of the host API, e.g. `'ALSA'`, `'Core Audio'`, `'Windows WASAPI'`. */
  readonly name: string;
  /** The host API index (what `DeviceInfo.hostApi` refers to). */
  readonly index: number;
  /** The indexes of the devices that belong to this host API. */
  readonly devices: readonly number[];
  /** The index of the host API's default input device, or -1 if there is none. */
  readonly defaultInputDevice: number;
  /** The index of the host API's default output device, or -1 if there is none. */
  readonly defaultOutputDevice: number;
}

/** Options for {@link DeviceList.create}. */
export interface DeviceListOptions {
  /** The host APIs, used to print each device's host API name. */
  hostApis?: readonly HostApiInfo[] | undefined;
  /** Index of the default input device (marked `>`), or -1/`null`/`undefined` for none. */
  defaultInput?: number | null | undefined;
  /** Index of the default output device (marked `<`), or -1/`null`/`undefined` for none. */
  defaultOutput?: number | null | undefined;
}

/**
 * Find the name of a host API by index.
 *
 * @param hostApis - The known host APIs.
 * @param index - The host API index.
 * @returns The host API's name, or `'host API <index>'` if it is not known.
 */
export function hostApiName(hostApis: readonly HostApiInfo[], index: number): string {
  const info = hostApis.find((api) => api.index === index) ?? hostApis[index];
  return info?.name ?? `host API ${index}`;
}

/**
 * The list of all devices returned by `queryDevices()`.
 *
 * It is a real array of {@link DeviceInfo} (index it, iterate it, `map` and
 * `filter` it; those return plain arrays), whose `toString()` (also shown by
 * `console.log`) prints one line per device like `npx @sounddevice/cli`:
 *
 * ```text
 *   0 vfile_out, ALSA (128 in, 128 out)
 * > 1 vfile_in, ALSA (2 in, 0 out)
 * * 3 default, ALSA (128 in, 128 out)
 * ```
 *
 * The first character is `>` for the default input device, `<` for the
 * default output device, `*` for a device that is both, and a space
 * otherwise. Then come the index (right-aligned), the name, the host API
 * name and the maximum number of input and output channels.
 *
 * Create one with {@link DeviceList.create}.
 */
export class DeviceList extends Array<DeviceInfo> {
  /** Array methods such as `map`, `filter` and `slice` return plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** The host APIs the devices belong to (used for printing). */
  declare readonly hostApis: readonly HostApiInfo[];
  /** Index of the default input device, or -1 if there is none. */
  declare readonly defaultInput: number;
  /** Index of the default output device, or -1 if there is none. */
  declare readonly defaultOutput: number;

  /**
   * Prefer {@link DeviceList.create}.
   *
   * @param devices - The devices, in index order.
   * @param options - Host APIs and default devices, see {@link DeviceListOptions}.
   */
  constructor(devices?: Iterable<DeviceInfo>, options: DeviceListOptions = {}) {
    super();
    // `Array.from`/`Array.of` called on this class pass a length: ignore it.
    if (typeof devices === 'object' && devices !== null) {
      for (const device of devices) this.push(device);
    }
    const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false });
    Object.defineProperties(this, {
      hostApis: hidden(Object.freeze([...(options.hostApis ?? [])])),
      defaultInput: hidden(options.defaultInput ?? -1),
      defaultOutput: hidden(options.defaultOutput ?? -1),
    });
  }

  /**
   * Create a device list.
   *
   * @param devices - The devices, in index order.
   * @param options - `hostApis` (for the host API names), `defaultInput` and
   *   `defaultOutput` (indexes of the default devices, -1 or omitted for
   *   none).
   * @returns The new list.
   */
  static create(devices: Iterable<DeviceInfo>, options: DeviceListOptions = {}): DeviceList {
    return new DeviceList(devices, options);
  }

  /** One line per device, as described for {@link DeviceList}; `''` if there are none. */
  override toString(): string {
    let maxIndex = 0;
    for (const device of this) maxIndex = Math.max(maxIndex, device.index);
    const width = String(maxIndex).length;
    return this.map((device) => {
      const isIn = device.index === this.defaultInput;
      const isOut = device.index === this.defaultOutput;
      const mark = isIn && isOut ? '*' : isIn ? '>' : isOut ? '<' : ' ';
      const index = String(device.index).padStart(width);
      const api = hostApiName(this.hostApis, device.hostApi);
      return `${mark} ${index} ${device.name}, ${api} (${device.maxInputChannels} in, ${device.maxOutputChannels} out)`;
    }).join('\n');
  }

  /** Same text as {@link DeviceList.toString}, for `console.log`. */
  [INSPECT](): string {
    return this.toString();
  }
}
