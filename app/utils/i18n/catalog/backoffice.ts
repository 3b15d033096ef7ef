export const nl = {} as const;

export const en: Record<keyof typeof nl, string> = {};
