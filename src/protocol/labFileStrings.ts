/**
 * The lab-file words every panel's page shows (src/protocol/labFile.ts): spread into each page's
 * string table. A file of its own with no imports, so every protocol module can spread it.
 */
export const LAB_PAGE_STRINGS = {
  lockedByTeacher: 'Locked by your teacher in this lab file.',
  locked: 'locked',
  shareSetup: 'Share this setup',
  shareTitle: 'Save this setup as a lab file (*.gradientlab.json) to hand out',
  instructionLabel: 'Lab instruction',
} as const;
