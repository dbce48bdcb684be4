// The font every chart is drawn with: Inter (SIL Open Font License 1.1), shipped as TTF files by
// the @expo-google-fonts/inter package. resvg loads only these files, never the system's fonts,
// so the same data gives the same pixels on a laptop, in CI and in production.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let files: string[] | undefined;

/** Paths of the bundled regular and semi-bold TTF files. */
export function chartFontFiles(): string[] {
  files ??= [
    require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
    require.resolve('@expo-google-fonts/inter/600SemiBold/Inter_600SemiBold.ttf'),
  ];
  return files;
}
