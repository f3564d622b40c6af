import { advise } from '../src/advisor/advise.js';
import { EXAMPLE_PROFILE, ProfileSchema } from '../src/advisor/profile.js';

/** A real reply of the size /advise sends: the README's mixed profile's advice, computed once. */
export const FIXED_ADVICE_JSON = JSON.stringify(advise(ProfileSchema.parse({ ...EXAMPLE_PROFILE, name: undefined }), { defaultCores: 2 }));
export const FIXED_ADVICE = JSON.parse(FIXED_ADVICE_JSON) as unknown;
