/** This package's version, sent in `User-Agent` so that operators can tell SDK versions apart in logs. */
export const SDK_VERSION = '0.1.0';
