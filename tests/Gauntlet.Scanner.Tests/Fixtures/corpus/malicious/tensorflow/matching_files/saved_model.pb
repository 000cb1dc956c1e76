PN
/
patternConst*
valueBB/home/*/.ssh/*

mMatchingFilespattern