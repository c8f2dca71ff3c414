/**
 * Every response under load that was not what a healthy server answers (a non-2xx where a 2xx was
 * expected, a wrong verify result, a dropped connection). The bench keeps going, reports them and
 * exits non-zero at the end.
 */
export class LoadErrors {
  count = 0;
  readonly samples: string[] = [];

  add(where: string, detail: string): void {
    this.count++;
    if (this.samples.length < 5) this.samples.push(`${where}: ${detail.slice(0, 300)}`);
  }
}
